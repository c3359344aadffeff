import { hasDeployTimeValue } from './deploy-time';
import { isObject } from './policy-document';
import { resolveIntrinsics, TemplateContext, templateResources, valueAlternatives } from './template-values';

/**
 * The roles of a CloudFormation template, with their trust policies in every way the
 * template can deploy them: what the CDK Aspect audits, and what `audit` reads from templates.
 */

/** A role's trust policy and where it was read. */
export interface RoleTrust {
  /** The role's name (or ARN, or logical ID in a template). */
  readonly role: string;
  /** The file (and place in it) the policy was read from, such as `template.yaml: Resources.DeployRole`. */
  readonly source: string;
  /** The role's name or logical ID, as `--role` names it. */
  readonly anchor: string;
  /** A regular expression that matches where the role starts in the file. */
  readonly anchorPattern: string;
  /**
   * The policy document: one, or for a template one per way its `Fn::If` conditions can choose,
   * with what only deployment knows written as `deployTimeValue()` marks.
   */
  readonly documents: unknown[];
  /**
   * The client IDs of the OIDC providers of the same template that the policy refers to, by
   * issuer (its URL without `https://`, lower case), where the template lists them in full.
   */
  readonly clientIds?: { [issuer: string]: string[] };
}

/** The roles of a CloudFormation template (or of a stack being synthesized, for the aspect). */
export function templateRoles(template: { [key: string]: any }, name: string): RoleTrust[] {
  const context = { resources: template.Resources as { [id: string]: any }, mappings: template.Mappings };
  return templateResources(context.resources)
    .filter(([, resource]) => isObject(resource) && resource.Type === 'AWS::IAM::Role')
    .filter(([, resource]) => isObject(resource.Properties) && resource.Properties.AssumeRolePolicyDocument !== undefined)
    .map(([id, resource]) => {
      const logicalId = id.replace(/ \(Fn::ForEach::.*\)$/, '');
      return {
        role: typeof resource.Properties.RoleName === 'string' ? resource.Properties.RoleName : id,
        source: `${name}: Resources.${id}`,
        anchor: logicalId,
        anchorPattern: `^\\s*["']?${escapeRegExp(logicalId)}["']?\\s*:`,
        documents: valueAlternatives(resource.Properties.AssumeRolePolicyDocument, context),
        clientIds: providerClientIds(resource.Properties.AssumeRolePolicyDocument, context),
      };
    });
}

/** The client IDs of the template's OIDC providers that a policy refers to (`Ref`, `Fn::GetAtt`), by issuer. */
function providerClientIds(document: unknown, context: TemplateContext): { [issuer: string]: string[] } | undefined {
  const byIssuer: { [issuer: string]: string[] } = {};
  const referenced = [...JSON.stringify(document ?? null).matchAll(/"(?:Ref|Fn::GetAtt)":\s*(?:"([^"]+)"|\[\s*"([^"]+)")/g)]
    .map(match => context.resources[match[1] ?? match[2]])
    .filter(resource => isObject(resource) && (resource.Type === 'AWS::IAM::OIDCProvider' || resource.Type === 'Custom::AWSCDKOpenIdConnectProvider'));
  for (const provider of referenced) {
    const url = resolveIntrinsics(provider.Properties?.Url, context);
    const list = resolveIntrinsics(provider.Properties?.ClientIdList ?? provider.Properties?.ClientIDList, context);
    if (typeof url !== 'string' || hasDeployTimeValue(url)) continue;
    if (!Array.isArray(list) || !list.every(id => typeof id === 'string' && !hasDeployTimeValue(id))) continue;
    const issuer = url.replace(/^https:\/\//, '').replace(/\/+$/, '').toLowerCase();
    byIssuer[issuer] = [...new Set([...(byIssuer[issuer] ?? []), ...list])];
  }
  return Object.keys(byIssuer).length > 0 ? byIssuer : undefined;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?|()[\]{}]/g, '\\$&');
}

