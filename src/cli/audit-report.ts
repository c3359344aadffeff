import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TrustAuditRule, TrustFinding, TrustFindingSeverity } from '../analysis/trust-finding';

/** A role the audit read, and what it found. */
export interface AuditedRole {
  readonly role: string;
  readonly source: string;
  /** The file, for SARIF's location. */
  readonly file: string;
  /** The line the role starts on in the file (1 when not known). */
  readonly line: number;
  readonly findings: TrustFinding[];
}

export function textReport(roles: AuditedRole[]): string {
  const lines: string[] = [];
  for (const role of roles) {
    lines.push(role.role === role.source ? role.source : `${role.role} in ${role.source}`);
    if (role.findings.length === 0) lines.push('  no findings');
    for (const finding of role.findings) lines.push(`  ${finding.severity} ${finding.rule}: ${finding.message}`);
  }
  const counts = countBySeverity(roles);
  lines.push(
    `${roles.length} role${roles.length === 1 ? '' : 's'} trust${roles.length === 1 ? 's' : ''} a GitHub issuer; ` +
    `${counts.total} finding${counts.total === 1 ? '' : 's'}${counts.total > 0 ? ` (${counts.summary})` : ''}.`,
    '',
  );
  return lines.join('\n');
}

export function jsonReport(roles: AuditedRole[]): string {
  return `${JSON.stringify({
    roles: roles.map(role => ({
      role: role.role,
      source: role.source,
      findings: role.findings.map(finding => ({
        rule: finding.rule,
        severity: finding.severity,
        message: finding.message,
        statement: finding.statement,
        ...(finding.correction !== undefined ? { correction: finding.correction } : {}),
      })),
    })),
  }, null, 2)}\n`;
}

/** GitHub code scanning's scale: 9.0 and up is critical, 7.0 high, 4.0 medium, above 0 low. */
const SECURITY_SEVERITY: { [severity: string]: string } = {
  critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0',
};

function level(severity: TrustFindingSeverity): string {
  return severity === TrustFindingSeverity.CRITICAL || severity === TrustFindingSeverity.HIGH ? 'error'
    : severity === TrustFindingSeverity.MEDIUM ? 'warning' : 'note';
}

/** SARIF 2.1.0, with the locations GitHub code scanning needs; `base` makes file URIs relative. */
export function sarifReport(roles: AuditedRole[], base: string): string {
  const rules = TrustAuditRule.all();
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk-github-actions-oidc',
          informationUri: 'https://github.com/oidc-constructs/cdk-github-actions-oidc',
          version: packageVersion(),
          rules: rules.map(rule => ({
            id: rule.id,
            name: rule.id.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase()),
            shortDescription: { text: rule.title },
            defaultConfiguration: { level: level(rule.severity) },
            properties: { 'tags': ['security', 'iam', 'github-actions'], 'security-severity': SECURITY_SEVERITY[rule.severity] },
          })),
        },
      },
      results: roles.flatMap(role => role.findings.map(finding => ({
        ruleId: finding.rule,
        ruleIndex: ruleIndex.get(finding.rule),
        level: level(finding.severity),
        message: { text: `${role.role}: ${finding.message}` },
        // The audited file is often written by a job (aws iam output), so code scanning cannot fingerprint its lines.
        partialFingerprints: { 'trustFinding/v1': fingerprint(finding.rule, role.source, role.role, finding.statement, finding.message) },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: uriOf(role.file, base) },
            region: { startLine: role.line },
          },
          logicalLocations: [{ name: role.role, fullyQualifiedName: role.source, kind: 'resource' }],
        }],
      }))),
    }],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function fingerprint(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

function uriOf(file: string, base: string): string {
  if (file === '-') return 'stdin';
  const relative = path.relative(base, path.resolve(base, file));
  return (relative.startsWith('..') ? path.resolve(base, file) : relative).split(path.sep).join('/');
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

function countBySeverity(roles: AuditedRole[]): { total: number; summary: string } {
  const findings = roles.flatMap(role => role.findings);
  const summary = Object.values(TrustFindingSeverity)
    .map(severity => [severity, findings.filter(finding => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');
  return { total: findings.length, summary };
}
