import { auditDocument, isGitHubIssuer } from './audit-rules';
import { readPolicyDocument } from './policy-document';
import { RoleTrust } from './template-roles';
import { TrustAuditOptions, TrustAuditRule, TrustFinding } from './trust-finding';
import { TrustPolicy } from './trust-policy';

/** What the audit found for one role, read from a file or a stack. */
export interface RoleAudit {
  /** Whether the role trusts a GitHub issuer (or names one in a policy that cannot be read). */
  readonly trustsGitHub: boolean;
  readonly findings: TrustFinding[];
}

/**
 * Audits a role in every way its template's `Fn::If` conditions can choose its trust policy; a
 * finding of only some of them says so. The client IDs of a provider in the role's own template
 * win over those of the options. A policy that names a GitHub issuer but cannot be read
 * is a finding too, not an error that stops the audit of other roles.
 */
export function auditRole(role: RoleTrust, options: TrustAuditOptions = {}): RoleAudit {
  const found = new Map<string, { finding: TrustFinding; ways: number }>();
  let trustsGitHub = false;
  for (const document of role.documents) {
    let findings: TrustFinding[];
    try {
      if (!TrustPolicy.fromJson(document).trustsGitHub) continue;
      findings = auditDocument(readPolicyDocument(document), options, role.clientIds);
    } catch (error) {
      if (!namesGitHubIssuer(document)) continue;
      findings = [{
        rule: TrustAuditRule.UNREADABLE_POLICY.id,
        severity: TrustAuditRule.UNREADABLE_POLICY.severity,
        message: `The trust policy names a GitHub issuer but cannot be read, so it was not audited: ${(error as Error).message} Check it by hand.`,
        statement: 0,
      }];
    }
    trustsGitHub = true;
    for (const finding of findings) {
      const key = `${finding.rule}\n${finding.message}`;
      found.set(key, { finding, ways: (found.get(key)?.ways ?? 0) + 1 });
    }
  }
  const ways = role.documents.length;
  return {
    trustsGitHub,
    findings: [...found.values()].map(({ finding, ways: seen }) => seen === ways ? finding : {
      ...finding,
      message: `${finding.message} (In ${seen} of the ${ways} ways the template's Fn::If conditions can choose the policy.)`,
    }),
  };
}

/** Whether a document, read or not, names a GitHub issuer anywhere (in a principal or a condition key). */
function namesGitHubIssuer(document: unknown): boolean {
  const text = JSON.stringify(document) ?? '';
  return [...text.matchAll(/oidc-provider\/([^"\s]+)|"([^"\s]+):[a-z_]+"\s*:/g)].some(match => isGitHubIssuer((match[1] ?? match[2]).replace(/\/+$/, '')));
}
