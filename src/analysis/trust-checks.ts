import type { IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { atLeast } from './severity';
import { TrustAuditRule, TrustFindingSeverity } from './trust-finding';
import { Annotations, Aspects, CfnElement, CfnResource, Stack, Stage } from '../private/aws-cdk-lib';
import { trustEngine } from '../private/on-first-use';

/**
 * Options of `GitHubTrustChecks`.
 */
export interface GitHubTrustChecksProps {
  /**
   * Findings at least this severe fail the synthesis (errors); less severe ones are warnings.
   * A condition that never matches (`TrustAuditRule.NEVER_MATCHES`) is an error whatever this says:
   * the role would deny every run.
   *
   * @default TrustFindingSeverity.HIGH
   */
  readonly errorSeverity?: TrustFindingSeverity;

  /**
   * Findings less severe than this are not reported.
   *
   * @default TrustFindingSeverity.LOW
   */
  readonly minimumSeverity?: TrustFindingSeverity;
}

/** What was acknowledged where: construct, then rule ID, then the reason. */
const ACKNOWLEDGED = new WeakMap<IConstruct, Map<string, string>>();

/**
 * A CDK Aspect that audits every IAM role of an app that trusts a GitHub Actions issuer —
 * roles of this library, `iam.Role`, `iam.CfnRole` and roles of included templates alike —
 * with the rules of `TrustAuditRule.all()`.
 *
 * Findings at or above `errorSeverity`, and every condition that never matches, are errors, which fail `cdk synth`; the others are
 * warnings with the ID `cdk-github-actions-oidc:<rule>`, which `Annotations.acknowledgeWarning()`
 * silences. Acknowledge a finding of either kind, with a reason, through
 * `GitHubTrustChecks.acknowledge()`.
 *
 * Add it with `GitHubTrustChecks.addTo(app)` once the app's stages exist: CDK does not apply an
 * app's aspects to the stacks of its Stages (CDK Pipelines).
 *
 * @example
 * declare const app: App;
 * GitHubTrustChecks.addTo(app);
 */
export class GitHubTrustChecks implements IAspect {
  /**
   * Adds the checks to an app (or any scope) and to every Stage in it — CDK does not apply an
   * app's aspects to the stacks of its Stages (CDK Pipelines), so they must be added to each.
   * Call it once the stages exist.
   *
   * @param scope the app, or a Stage
   * @param props the options of the checks
   * @returns the checks, as added to every scope
   */
  public static addTo(scope: IConstruct, props: GitHubTrustChecksProps = {}): GitHubTrustChecks {
    const checks = new GitHubTrustChecks(props);
    for (const construct of [scope, ...scope.node.findAll().filter(candidate => candidate !== scope && Stage.isStage(candidate))]) {
      Aspects.of(construct).add(checks);
    }
    return checks;
  }

  /**
   * Accepts a rule's findings on the roles in a scope (a role, a stack or the app), for a reason
   * that is shown in their place as an info annotation.
   *
   * @param scope a role, or a construct that holds roles
   * @param ruleId the rule's ID, such as `pull-request` (see `TrustAuditRule`)
   * @param reason why the finding is acceptable here
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    const ids = TrustAuditRule.all().map(rule => rule.id);
    if (!ids.includes(ruleId)) {
      throw new Error(`Unknown trust audit rule '${ruleId}': use one of ${ids.join(', ')}.`);
    }
    if (reason.trim() === '') throw new Error(`Acknowledging '${ruleId}' needs a reason that says why the finding is acceptable.`);
    const rules = ACKNOWLEDGED.get(scope) ?? new Map<string, string>();
    rules.set(ruleId, reason);
    ACKNOWLEDGED.set(scope, rules);
  }

  private readonly errorSeverity: TrustFindingSeverity;
  private readonly minimumSeverity: TrustFindingSeverity;
  /** Each stack's template, rendered once for all its roles. */
  private readonly templates = new WeakMap<Stack, { [section: string]: any }>();

  public constructor(props: GitHubTrustChecksProps = {}) {
    this.errorSeverity = props.errorSeverity ?? TrustFindingSeverity.HIGH;
    this.minimumSeverity = props.minimumSeverity ?? TrustFindingSeverity.LOW;
  }

  /**
   * Audits the node if it is an IAM role (`AWS::IAM::Role`), as its stack's template will hold it
   * (escape-hatch overrides included).
   */
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::IAM::Role') return;
    const stack = Stack.of(node);
    // Loaded outside the try below: an engine that cannot load is a broken installation, not a role to warn about.
    const engine = trustEngine();
    let audit;
    try {
      const logicalId = stack.resolve(node.logicalId);
      const find = (template: { [section: string]: any }) =>
        engine.templateRoles(template, stack.node.path).find(candidate => candidate.anchor === logicalId);
      // A role that another aspect added after the template was rendered needs it rendered again.
      let role = find(this.templates.get(stack) ?? { Resources: {} });
      if (role === undefined) {
        this.templates.set(stack, stackTemplate(stack));
        role = find(this.templates.get(stack)!);
      }
      if (role === undefined) throw new Error(`the stack's template has no role '${logicalId}'.`);
      audit = engine.auditRole(role);
    } catch (error) {
      Annotations.of(node).addWarningV2('cdk-github-actions-oidc:not-audited', `The role's trust policy could not be audited: ${(error as Error).message}`);
      return;
    }
    for (const finding of audit.findings) {
      // A condition that never matches breaks every run of the role: always an error.
      const neverMatches = finding.rule === TrustAuditRule.NEVER_MATCHES.id;
      if (!neverMatches && !atLeast(finding.severity, this.minimumSeverity)) continue;
      const text = `[${finding.rule}] ${finding.message}`;
      const reason = acknowledgement(node, finding.rule);
      if (reason !== undefined) {
        Annotations.of(node).addInfo(`Acknowledged: ${text} Reason: ${reason}`);
      } else if (neverMatches || atLeast(finding.severity, this.errorSeverity)) {
        Annotations.of(node).addError(`${text} (acknowledge with GitHubTrustChecks.acknowledge() if intended)`);
      } else {
        Annotations.of(node).addWarningV2(`cdk-github-actions-oidc:${finding.rule}`, text);
      }
    }
  }
}

/**
 * The stack's template as far as its elements write it now, with their overrides: what the
 * audit of a role needs to follow a `Ref` to an OIDC provider of the same stack.
 */
function stackTemplate(stack: Stack): { [section: string]: any } {
  const template: { [section: string]: { [id: string]: unknown } } = {};
  for (const construct of stack.node.findAll()) {
    if (!CfnElement.isCfnElement(construct) || Stack.of(construct) !== stack) continue;
    // _toCloudFormation() is how CloudFormation elements render themselves, overrides included.
    const fragment = stack.resolve((construct as unknown as { _toCloudFormation(): object })._toCloudFormation());
    for (const [section, entries] of Object.entries(fragment ?? {})) {
      if (typeof entries === 'object' && entries !== null) template[section] = { ...template[section], ...(entries as object) };
    }
  }
  return template;
}

/** The reason a rule was acknowledged on the node or a construct above it, if it was. */
function acknowledgement(node: IConstruct, rule: string): string | undefined {
  for (const scope of node.node.scopes.reverse()) {
    const reason = ACKNOWLEDGED.get(scope)?.get(rule);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
