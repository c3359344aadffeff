import { Construct } from 'constructs';
import { GitHubClaimCondition } from './claim-condition';
import { GitHubIssuer } from './issuer';
import { apiName } from './private/api-names';
import { regionPartition } from './private/arns';
import { Annotations, aws_iam as iam, CfnOutput, Duration, Lazy, Stack, Token } from './private/aws-cdk-lib';
import { everyContextUnions } from './private/breadth';
import { DEFAULT_AUDIENCE } from './private/defaults';
import { hiddenCharacter } from './private/iam-strings';
import { workflowRenderer } from './private/on-first-use';
import { trustPolicySize } from './private/trust-policy-size';
import { GitHubTrustPrincipal } from './private/trust-principal';
import type { WorkflowSpec } from './private/workflow-document';
import { GitHubOidcProvider, IGitHubOidcProvider } from './provider';
import { GitHubSubject } from './subject';
import { GitHubWorkflowOptions } from './workflow';

const DEFAULT_TRUST_POLICY_SIZE = 2048;
const ANY_CONTEXT_WARNING = 'cdk-github-actions-oidc:anyContext';
const MAX_TRUST_POLICY_SIZE = 4096;

/**
 * Properties of a role that GitHub Actions workflows assume through OpenID Connect.
 */
export interface GitHubActionsRoleProps {
  /**
   * The OIDC provider for the GitHub issuer that signs the workflows' tokens.
   */
  readonly provider: IGitHubOidcProvider;

  /**
   * The token subjects (`sub` claims) that may assume the role.
   *
   * At least one is needed by synth time; more can be added with `addSubject()`.
   *
   * @example
   * const app = GitHubRepository.of('octo-org', 'octo-app');
   * const subjects = [app.branch('main'), app.tag('v*')];
   */
  readonly subjects: GitHubSubject[];

  /**
   * Conditions on other claims that every subject's tokens must also meet, such as
   * `GitHubClaimCondition.notActor('dependabot[bot]')`; each subject keeps its own conditions too.
   *
   * @default - none besides the subjects' own
   * @example
   * const conditions = [GitHubClaimCondition.notActor('dependabot[bot]')];
   */
  readonly claimConditions?: GitHubClaimCondition[];

  /**
   * The audience the token must carry in its `aud` claim.
   *
   * @default 'sts.amazonaws.com', which aws-actions/configure-aws-credentials requests
   */
  readonly audience?: string;

  /**
   * The most characters the trust policy may have, whitespace not counted.
   *
   * IAM allows 2,048 by default; an account whose quota was raised may allow up to 4,096.
   *
   * @default 2048
   */
  readonly maxTrustPolicySize?: number;

  /**
   * Whether to publish the role's ARN and trusted subjects as stack outputs.
   *
   * @default false
   */
  readonly outputs?: boolean;

  /**
   * A name for the role.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly roleName?: string;

  /**
   * A description of the role.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The path of the role.
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * How long the credentials of one workflow run last, from 1 to 12 hours.
   *
   * The workflow asks for its duration with `role-duration-seconds`; this caps it.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;

  /**
   * A permissions boundary for the role.
   *
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * Managed policies to attach to the role.
   *
   * @default - none
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Inline policies to embed in the role.
   *
   * @default - none
   */
  readonly inlinePolicies?: { [name: string]: iam.PolicyDocument };
}

/**
 * An IAM role that GitHub Actions workflows assume with `sts:AssumeRoleWithWebIdentity`,
 * trusting exactly the subjects it is given.
 *
 * Its trust policy always pins the token's audience and subject: exact subjects
 * under `StringEquals`, patterns under `StringLike`, each kind in its own statement.
 *
 * @example
 * declare const stack: Stack;
 * const provider = new GitHubOidcProvider(stack, 'GitHub');
 * const app = GitHubRepository.of('octo-org', 'octo-app');
 * const role = new GitHubActionsRole(stack, 'Deploy', {
 *   provider,
 *   subjects: [app.branch('main'), app.environment('production')],
 * });
 */
export class GitHubActionsRole extends iam.Role {
  /**
   * The OIDC provider the role trusts.
   */
  public readonly provider: IGitHubOidcProvider;

  /**
   * The audience the role requires.
   */
  public readonly audience: string;

  /**
   * The stack output with the role's ARN, when `outputs` is on.
   *
   * @default - no output
   */
  public readonly arnOutput?: CfnOutput;

  private readonly trust: GitHubTrustPrincipal;
  private readonly claimConditions: GitHubClaimCondition[];
  private warnedUnconfirmed = false;

  /**
   * @param scope the construct that contains the role
   * @param id the role's construct ID, unique within its scope
   * @param props the role's properties
   */
  public constructor(scope: Construct, id: string, props: GitHubActionsRoleProps) {
    const audience = props.audience ?? DEFAULT_AUDIENCE;
    validateAudience(props.provider, audience);
    validateRoleName(props.roleName);
    const maxTrustPolicySize = validateMaxTrustPolicySize(props.maxTrustPolicySize);
    const trust = new GitHubTrustPrincipal(props.provider, audience);
    const claimConditions = [...props.claimConditions ?? []];
    const subjects = props.subjects.map(subject => subject.withConditions(...claimConditions));
    assertOneRepositoryPerId(claimConditions, subjects);
    subjects.forEach(subject => trust.addSubject(subject));

    super(scope, id, {
      assumedBy: trust,
      roleName: props.roleName,
      description: props.description,
      path: props.path,
      maxSessionDuration: props.maxSessionDuration,
      permissionsBoundary: props.permissionsBoundary,
      managedPolicies: props.managedPolicies,
      inlinePolicies: props.inlinePolicies,
    });
    this.provider = props.provider;
    this.audience = audience;
    this.trust = trust;
    this.claimConditions = claimConditions;
    this.warnIfBroad(trust.subjects, []);
    this.warnIfUnconfirmed(trust.subjects);

    this.node.addValidation({
      validate: () => this.validateTrustPolicy(maxTrustPolicySize),
    });

    if (props.outputs) {
      this.arnOutput = new CfnOutput(this, 'Arn', {
        value: this.roleArn,
        description: `ARN of the role that GitHub Actions assumes (${this.node.path})`,
      });
      new CfnOutput(this, 'TrustedSubjects', {
        value: Lazy.string({ produce: () => this.subjects.map(String).join(', ') }),
        description: `Token subjects (sub claims) that may assume ${this.node.path}`,
      });
    }
  }

  /**
   * The subjects the role trusts, in the order they were added, without duplicates.
   */
  public get subjects(): GitHubSubject[] {
    return this.trust.subjects;
  }

  /**
   * Trusts one more subject, held to the role's claim conditions too.
   *
   * @example
   * declare const role: GitHubActionsRole;
   * role.addSubject(GitHubRepository.of('octo-org', 'octo-app').tag('v*'));
   */
  public addSubject(subject: GitHubSubject): void {
    const before = this.trust.subjects;
    const held = subject.withConditions(...this.claimConditions);
    assertOneRepositoryPerId(this.claimConditions, [...before, held]);
    if (this.trust.addSubject(held)) {
      this.warnIfBroad([held], before);
      this.warnIfUnconfirmed([held]);
    }
  }

  /**
   * The YAML text of a GitHub Actions workflow whose job assumes this role.
   *
   * The workflow asks for an OIDC token (`id-token: write`), assumes the role with
   * `aws-actions/configure-aws-credentials` and runs the commands. Its triggers and
   * environment follow the role's subjects. Where the role's ARN is not known at
   * synth time, the workflow reads it from a repository variable, and its first
   * lines say which value to put there.
   *
   * @example
   * declare const role: GitHubActionsRole;
   * const yaml = role.renderWorkflow({ region: 'eu-west-1', commands: ['npx cdk deploy --all'] });
   */
  public renderWorkflow(options: GitHubWorkflowOptions = {}): string {
    return workflowRenderer().renderWorkflowDocument({
      ...this._workflowSpec(),
      defaultName: 'Deploy with AWS',
      jobId: 'deploy',
      defaultSteps: [{ name: 'Show the assumed role', run: 'aws sts get-caller-identity' }],
    }, options);
  }

  /**
   * What every workflow that uses this role needs to know about it.
   *
   * @internal
   */
  protected _workflowSpec(): Pick<WorkflowSpec, 'role' | 'subjects' | 'roleArn' | 'roleArnOutput'> {
    return {
      role: this,
      subjects: this.subjects,
      roleArn: this.literalArn(),
      roleArnOutput: this.arnOutput ? Stack.of(this).resolve(this.arnOutput.logicalId) : undefined,
    };
  }

  /**
   * The role's ARN, when its name, path, account and Region are all known at synth time.
   */
  private literalArn(): string | undefined {
    const resource = this.node.defaultChild as iam.CfnRole;
    const stack = Stack.of(this);
    const name = resource.roleName;
    const path = resource.path ?? '/';
    if (name === undefined || [name, path, stack.account, stack.region].some(value => Token.isUnresolved(value))) {
      return undefined;
    }
    const partition = regionPartition(stack.region)?.partition;
    return partition ? `arn:${partition}:iam::${stack.account}:role${path}${name}` : undefined;
  }

  /**
   * Warns once for each subject that admits every run of a repository, and once for each
   * set of subjects that does together, as the new subjects join those trusted before.
   */
  private warnIfBroad(added: GitHubSubject[], before: GitHubSubject[]): void {
    for (const subject of added.filter(s => s.admitsAnyContext)) {
      Annotations.of(this).addWarningV2(
        ANY_CONTEXT_WARNING,
        `Role trusts '${subject.value}': every branch, tag, environment and pull request of the repository, ` +
        'including branches that anyone with write access can push. Trust a branch, tag or environment instead, ' +
        'or acknowledge this warning if it is intended.',
      );
    }
    const known = new Set(before.length === 0 ? [] : everyContextUnions(before).map(union => union.map(s => s.value).sort().join(' ')));
    for (const union of everyContextUnions([...before, ...added])) {
      const values = union.map(s => s.value).sort();
      if (known.has(values.join(' '))) continue;
      Annotations.of(this).addWarningV2(
        ANY_CONTEXT_WARNING,
        `Role trusts ${values.map(v => `'${v}'`).join(', ')}: together every branch, tag, environment and pull request ` +
        'of the repository, as broad as trusting any context, including branches that anyone with write access can push. ' +
        'Trust the branches, tags or environments that need the role instead, or acknowledge this warning if it is intended.',
      );
    }
  }

  /**
   * Warns once where claim conditions are used with an issuer or partition for which the library
   * could not confirm that STS sets the claims: there, a missing claim keeps every token out.
   */
  private warnIfUnconfirmed(added: GitHubSubject[]): void {
    if (this.warnedUnconfirmed || added.every(s => s.conditions.length === 0)) return;
    // A merge queue's condition on sub itself needs no claim besides sub.
    const claims = [...new Set(added.flatMap(s => s.conditions.map(c => c.claim)).filter(claim => claim !== 'sub'))];
    if (claims.length === 0) return;
    const region = Stack.of(this).region;
    const partition = Token.isUnresolved(region) ? undefined : regionPartition(region)?.partition;
    const where = this.provider.issuer.hostAndPath !== GitHubIssuer.GITHUB_COM.hostAndPath
      ? `the issuer ${this.provider.issuer.url}` : partition === 'aws-cn' || partition === 'aws-us-gov' ? `the ${partition} partition` : undefined;
    if (where === undefined) return;
    this.warnedUnconfirmed = true;
    Annotations.of(this).addWarningV2(
      'cdk-github-actions-oidc:claimConditionUnconfirmed',
      `The role holds tokens to conditions on claims besides sub and aud (${claims.join(', ')}), ` +
      `which AWS STS is documented to evaluate for github.com in the aws partition; this library could not confirm it for ${where}. ` +
      'Where STS does not set a claim, the condition keeps every token out (it fails closed): try one run before relying on the role, ' +
      'or acknowledge this warning.',
    );
  }

  private validateTrustPolicy(maxTrustPolicySize: number): string[] {
    const subjectCount = this.trust.subjects.length;
    if (subjectCount === 0) {
      return [
        'The role trusts no subject, so no workflow could assume it: pass at least one in its subjects, such as ' +
        `GitHubRepository.of('octo-org', 'octo-app').branch('main'), or call ${apiName('addSubject()')}.`,
      ];
    }
    // The bound from the subjects settles most roles without resolving the document; near the limit, count exactly.
    const onlyOurs = this.assumeRolePolicy!.statementCount === this.trust.statementCount;
    const bound = onlyOurs ? this.trust.sizeBound() : undefined;
    if (bound !== undefined && bound <= maxTrustPolicySize) return [];
    const { size, unknownOutsideSubjects } = trustPolicySize(this, this.assumeRolePolicy!, this.provider.issuer);
    const fix = "Trust fewer subjects, merge them into a pattern such as 'release/*', split them across roles, or, if " +
      `the account's quota was raised, set the maximum trust policy size, ${apiName('maxTrustPolicySize')}, up to ${MAX_TRUST_POLICY_SIZE}.`;
    if (size > maxTrustPolicySize) {
      return [
        `The trust policy is ${size} characters, over the limit of ${maxTrustPolicySize} for ${subjectCount} subjects, ` +
        `and IAM would refuse it at deployment. ${fix}`,
      ];
    }
    const deployTime = unknownOutsideSubjects
      ? Infinity
      : this.trust.subjects.reduce((total, subject) => total + subject._longestAtDeployment, 0);
    if (size + deployTime > maxTrustPolicySize) {
      Annotations.of(this).addWarningV2(
        'cdk-github-actions-oidc:trustPolicySize',
        `The trust policy is ${size} characters without its values known only at deployment, which may add ` +
        (Number.isFinite(deployTime) ? `up to ${deployTime}` : 'any number of') +
        ` characters (a '$', '*' or '?' in them takes 4): IAM refuses it at deployment if it grows past ${maxTrustPolicySize}. ` +
        `Keep those values short, or ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`,
      );
    }
    return [];
  }
}

/**
 * Refuses a role-wide `repository_id` condition over the subjects of several repositories: only one
 * has that ID, so the others' subjects would admit no token.
 */
function assertOneRepositoryPerId(claimConditions: GitHubClaimCondition[], subjects: GitHubSubject[]): void {
  const pin = claimConditions.find(condition => condition.claim === 'repository_id');
  if (pin === undefined) return;
  // A repository by name, whichever form its subjects take (the IDs dropped from the immutable form), or by its ID alone.
  const repositoryOf = (subject: GitHubSubject) => subject.claims.filter(claim => claim._traits.pinsRepository)
    .map(claim => (claim.key === 'repo' ? claim.text.replace(/@[^/:]*/g, '').toLowerCase() : claim.text)).join(':');
  const repositories = [...new Set(subjects.map(repositoryOf))];
  if (repositories.length > 1) {
    throw new Error(
      `The role's claim condition '${pin}' applies to every subject, and they name several repositories (${repositories.join(', ')}): ` +
      "only one has that ID, so the others' tokens would be refused. Give the ID with its repository instead: the option " +
      `${apiName('repositoryId')} of GitHubRepository.of().`,
    );
  }
}

function validateAudience(provider: IGitHubOidcProvider, audience: string): void {
  if (Token.isUnresolved(audience)) {
    throw new Error(
      'The audience must be known at synth time, not a value resolved at deployment: IAM would read a value such as ' +
      "'${token.actions.githubusercontent.com:aud}' as a policy variable and admit every audience. " +
      `Pass the audience as a literal string, such as '${DEFAULT_AUDIENCE}'.`,
    );
  }
  if (audience.length === 0 || audience.length > 255 || /\s/.test(audience) || hiddenCharacter(audience)) {
    throw new Error(
      `Invalid audience '${audience}': an audience is 1-255 printable characters without spaces, such as '${DEFAULT_AUDIENCE}'.`,
    );
  }
  if (audience.includes('${') || audience.includes('{{')) {
    throw new Error(
      `Invalid audience '${audience}': IAM would read '\${...}' as a policy variable, and CloudFormation '{{resolve:...}}' ` +
      `as a dynamic reference, so the condition would not pin the audience as written. Use the audience itself, such as '${DEFAULT_AUDIENCE}'.`,
    );
  }
  const known = provider instanceof GitHubOidcProvider && !provider.audiences.some(a => Token.isUnresolved(a));
  if (known && !(provider as GitHubOidcProvider).audiences.includes(audience)) {
    throw new Error(
      `Audience '${audience}' is not one of the provider's audiences (${(provider as GitHubOidcProvider).audiences.join(', ')}): ` +
      "IAM would refuse every token. Add it to the provider's audiences, or use one of them.",
    );
  }
}

function validateRoleName(roleName: string | undefined): void {
  if (roleName === undefined || Token.isUnresolved(roleName)) return;
  const notAllowed = [...new Set(roleName.replace(/[\w+=,.@-]/g, ''))];
  if (notAllowed.length > 0 || roleName.length === 0 || roleName.length > 64) {
    throw new Error(
      `Invalid role name '${roleName}': role names are 1-64 letters, digits or '_+=,.@-' characters; ` +
      (notAllowed.length > 0
        ? `this one has ${notAllowed.map(c => `'${c}'`).join(', ')}, which ${notAllowed.length === 1 ? 'is' : 'are'} not allowed.`
        : `this one has ${roleName.length} characters.`),
    );
  }
}

function validateMaxTrustPolicySize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_TRUST_POLICY_SIZE;
  if (!Number.isInteger(size) || size < DEFAULT_TRUST_POLICY_SIZE || size > MAX_TRUST_POLICY_SIZE) {
    throw new Error(
      `Invalid maximum trust policy size ${size}: IAM's limit is ${DEFAULT_TRUST_POLICY_SIZE} characters by default and ` +
      `at most ${MAX_TRUST_POLICY_SIZE} with a raised quota; give a whole number in that range as ${apiName('maxTrustPolicySize')}.`,
    );
  }
  return size;
}
