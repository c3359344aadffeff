/** CloudFormation takes a template body up to this size; larger ones go through S3 (up to 1 MB). */
export const TEMPLATE_BODY_BYTES = 51_200;

/**
 * The commands that deploy a template as a service-managed StackSet to every account of an
 * organizational unit, in one Region (IAM is global: one stack instance per account is enough),
 * with automatic deployment to accounts that join it later, and the override for accounts that
 * already hold the GitHub OIDC provider.
 */
export function stackSetSteps(templateFile: string, stackSetName: string, region: string, bytes: number): string[] {
  const body = bytes > TEMPLATE_BODY_BYTES
    ? `--template-url https://BUCKET.s3.${region}.amazonaws.com/${templateFile.split('/').pop()}`
    : `--template-body file://${templateFile}`;
  return [
    '  1. In the organization\'s management account (or a delegated administrator: add --call-as DELEGATED_ADMIN to each command), create the StackSet:',
    `     aws cloudformation create-stack-set --stack-set-name ${stackSetName} ${body} \\`,
    '       --permission-model SERVICE_MANAGED --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\',
    `       --capabilities CAPABILITY_NAMED_IAM --region ${region}`,
    ...(bytes > TEMPLATE_BODY_BYTES
      ? [`     (the template is over the ${TEMPLATE_BODY_BYTES} bytes CloudFormation takes directly: upload it to an S3 bucket BUCKET in ${region} first)`]
      : []),
    '  2. Deploy it to the accounts of an organizational unit, in one Region (IAM roles are global):',
    `     aws cloudformation create-stack-instances --stack-set-name ${stackSetName} \\`,
    `       --deployment-targets OrganizationalUnitIds=ou-EXAMPLE --regions ${region} --region ${region}`,
    '     Accounts that already hold the GitHub OIDC provider reuse it: deploy to them with',
    `     aws cloudformation create-stack-instances --stack-set-name ${stackSetName} \\`,
    '       --deployment-targets OrganizationalUnitIds=ou-EXAMPLE,Accounts=111111111111,AccountFilterType=INTERSECTION \\',
    `       --parameter-overrides ParameterKey=GitHubCreateProvider,ParameterValue=false --regions ${region} --region ${region}`,
    '     (before the others, or after them with update-stack-instances and the same override). Accounts that join the unit',
    '     later get the default, true: one that already holds the provider fails until given the override.',
  ];
}
