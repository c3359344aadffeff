import { parseArgs } from 'node:util';
import { AuditedRole, jsonReport, sarifReport, textReport } from './audit-report';
import { CliIo, UsageError } from './command';
import { readInput } from './input';
import { rolesIn } from '../analysis/policy-sources';
import { auditRole } from '../analysis/role-audit';
import { atLeast } from '../analysis/severity';
import { TrustFindingSeverity } from '../analysis/trust-finding';
import { GitHubRepository } from '../subject';

export const AUDIT_HELP = `Usage: cdk-github-actions-oidc audit FILE... [--format text|json|sarif] [--fail-on SEVERITY]

Reports every role that trusts a GitHub Actions issuer, with what is wrong with its trust
policy. Each FILE is recognized by its shape: a trust policy document, the output of
'aws iam get-role', 'aws iam list-roles' or 'aws iam get-account-authorization-details', or a
CloudFormation template in JSON or YAML (cdk.out/*.template.json too). '-' reads standard input.

  --format FORMAT     text (default), json, or sarif (SARIF 2.1.0, for GitHub code scanning)
  --fail-on SEVERITY  exit 1 when a finding is at least this severe: critical, high (default),
                      medium, low, info, or never
  --client-id ID      a client ID (audience) of the OIDC provider the roles trust, repeatable:
                      an aud condition that requires none of them never matches (a template's
                      own provider is read from the template)
  --repository REPO   a repository whose sub form you know, repeatable: 'owner/name' sends the
                      name form, 'owner@OWNER_ID/name@REPO_ID' the immutable form; subjects of
                      it in the other form never match
  --help              show this help

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on bad input.
`;

const SEVERITIES = Object.values(TrustFindingSeverity) as string[];

/** `audit`: reads roles from files and reports the findings of their trust policies. */
export function runAudit(args: string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        'format': { type: 'string' },
        'fail-on': { type: 'string' },
        'client-id': { type: 'string', multiple: true },
        'repository': { type: 'string', multiple: true },
        'help': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals: files } = parsed;
  if (values.help) {
    io.stdout(AUDIT_HELP);
    return 0;
  }
  const format = values.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`Invalid --format '${format}': use text, json or sarif.`);
  const failOn = values['fail-on'] ?? 'high';
  if (failOn !== 'never' && !SEVERITIES.includes(failOn)) {
    throw new UsageError(`Invalid --fail-on '${failOn}': use ${SEVERITIES.join(', ')} or never.`);
  }
  if (files.length === 0) throw new UsageError("audit needs at least one FILE (or '-' for standard input).");
  const options = { providerClientIds: values['client-id'], repositories: (values.repository ?? []).map(repositoryOption) };

  const roles: AuditedRole[] = [];
  for (const file of files) {
    const text = readFileOrFail(file, io);
    let found;
    try {
      found = rolesIn(text, file);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    for (const role of found) {
      const audit = auditRole(role, options);
      if (!audit.trustsGitHub) continue;
      roles.push({ role: role.role, source: role.source, file, line: lineOf(text, role.anchorPattern), findings: audit.findings });
    }
  }
  io.stdout(format === 'json' ? jsonReport(roles) : format === 'sarif' ? sarifReport(roles, io.cwd) : textReport(roles));
  const failing = failOn !== 'never' && roles.some(role => role.findings.some(finding => atLeast(finding.severity, failOn as TrustFindingSeverity)));
  return failing ? 1 : 0;
}

function repositoryOption(text: string): GitHubRepository {
  try {
    return GitHubRepository.fromFullName(text);
  } catch (error) {
    throw new UsageError(`Invalid --repository: ${(error as Error).message}`);
  }
}

function readFileOrFail(file: string, io: CliIo): string {
  try {
    return readInput(file, io);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The line where a role starts in its file, for SARIF (1 when it cannot be told). */
function lineOf(text: string, anchorPattern: string): number {
  const match = new RegExp(anchorPattern, 'm').exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}
