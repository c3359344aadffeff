import { parseArgs } from 'node:util';
import { CliIo, UsageError } from './command';
import { readInput } from './input';
import { replaceDeployTimeValues } from '../analysis/deploy-time';
import { GitHubToken } from '../analysis/github-token';
import { rolesIn } from '../analysis/policy-sources';
import { TrustDecision, TrustPolicy } from '../analysis/trust-policy';

export const EXPLAIN_HELP = `Usage: cdk-github-actions-oidc explain --policy FILE (--claims FILE | --token JWT | --sub SUB [--aud AUD] [--issuer URL])

Says whether a GitHub Actions job's token may assume a role (sts:AssumeRoleWithWebIdentity),
which statement and condition decided, and for a denial the nearest subject the role trusts
and what differs. Nothing is sent anywhere: the policy is evaluated here, as IAM evaluates it.

  --policy FILE     the role's trust policy: a policy document, the output of 'aws iam get-role',
                    or a CloudFormation template ('-' reads standard input)
  --role NAME       which role, when the file holds several
  --claims FILE     the token's decoded claims, as JSON (a workflow can print them)
  --token JWT       the token itself: decoded here WITHOUT verifying its signature
  --sub SUB         the token's sub claim, such as repo:octo-org/octo-app:ref:refs/heads/main
                    (the repository, ref and environment claims it states are set from it)
  --aud AUD         its aud claim (default: sts.amazonaws.com)
  --issuer URL      its issuer (default: https://token.actions.githubusercontent.com)
  --format FORMAT   text (default) or json
  --help            show this help

Exit status: 0 when the token is allowed, 1 when it is denied, 2 on bad input.
`;

/** `explain`: evaluates a token against a role's trust policy and says why. */
export function runExplain(args: string[], io: CliIo): number {
  const values = parseOptions(args);
  if (values.help) {
    io.stdout(EXPLAIN_HELP);
    return 0;
  }
  if (typeof values.policy !== 'string') throw new UsageError("explain needs --policy FILE: the role's trust policy.");
  const given = ['claims', 'token', 'sub'].filter(name => values[name] !== undefined);
  if (given.length !== 1) {
    throw new UsageError(`explain needs exactly one of --claims FILE, --token JWT and --sub SUB (given: ${given.map(name => `--${name}`).join(', ') || 'none'}).`);
  }
  if ((values.aud !== undefined || values.issuer !== undefined) && values.sub === undefined) {
    throw new UsageError('--aud and --issuer go with --sub: claims and tokens carry their own.');
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`Invalid --format '${format}': use text or json.`);

  const token = readToken(values, io);
  const role = chooseRole(values.policy, values.role, io);
  const decisions = role.documents.map(document => {
    try {
      return TrustPolicy.fromJson(document).evaluate(token);
    } catch (error) {
      throw new UsageError(`${role.source}: ${(error as Error).message}`);
    }
  });
  const allowed = decisions.filter(decision => decision.allowed).length;
  const depends = allowed > 0 && allowed < decisions.length;
  const header = [
    `  role: ${role.role === role.source ? role.source : `${role.role} in ${role.source}`}`,
    ...(values.token !== undefined ? ['  (the token was decoded without verifying its signature)'] : []),
  ];
  const body = (decision: TrustDecision, indent: string) => [
    ...decision.reasons.map(reason => `${indent}${reason}`),
    ...(decision.nearestSubject !== undefined ? [`${indent}nearest trusted subject: ${decision.nearestSubject}`] : []),
    ...decision.causes.map(cause => `${indent}${cause.cause}: ${cause.message}`),
  ];
  // Values of a template that only deployment knows are shown as such.
  const shown = replaceDeployTimeValues;
  if (format === 'json') {
    const result = depends ? { decision: 'Depends', alternatives: decisions } : decisions[0];
    io.stdout(shown(`${JSON.stringify({ role: role.role, source: role.source, subject: token.subject, ...result }, null, 2)}\n`));
  } else if (depends) {
    io.stdout(shown([
      `Depends on the template's conditions: Allow in ${allowed} of the ${decisions.length} ways its Fn::If conditions can choose the policy: ${token.subject}`,
      ...header,
      ...decisions.flatMap((decision, index) => [`  way ${index + 1}: ${decision.decision}`, ...body(decision, '    ')]),
      '',
    ].join('\n')));
  } else {
    io.stdout(shown([
      `${decisions[0].decision}: ${token.subject}`,
      ...header,
      ...(decisions.length > 1 ? [`  (the same in all ${decisions.length} ways the template's Fn::If conditions can choose the policy)`] : []),
      ...body(decisions[0], '  '),
      '',
    ].join('\n')));
  }
  return allowed === decisions.length ? 0 : 1;
}

function parseOptions(args: string[]): { [name: string]: string | undefined } & { help?: boolean } {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        policy: { type: 'string' },
        role: { type: 'string' },
        claims: { type: 'string' },
        token: { type: 'string' },
        sub: { type: 'string' },
        aud: { type: 'string' },
        issuer: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values as { [name: string]: string | undefined } & { help?: boolean };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

function readToken(values: { [name: string]: string | undefined }, io: CliIo): GitHubToken {
  try {
    if (values.sub !== undefined) {
      if (values.issuer !== undefined && !/^https:\/\/[^\s/]+/.test(values.issuer)) {
        throw new Error(`Invalid --issuer '${values.issuer}': give the URL of the token's iss claim, such as https://token.actions.githubusercontent.com.`);
      }
      return GitHubToken.of({ subject: values.sub, audience: values.aud, issuerUrl: values.issuer });
    }
    if (values.token !== undefined) return GitHubToken.fromJwt(values.token);
    const text = readInput(values.claims!, io);
    let claims: unknown;
    try {
      claims = JSON.parse(text);
    } catch (error) {
      throw new Error(`${values.claims} is not JSON: ${(error as Error).message}.`);
    }
    return GitHubToken.fromClaims(claims as { [claim: string]: any });
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

function chooseRole(file: string, name: string | undefined, io: CliIo) {
  let roles;
  try {
    roles = rolesIn(readInput(file, io), file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const chosen = name === undefined ? roles : roles.filter(role => role.role === name || role.anchor === name);
  if (chosen.length === 1) return chosen[0];
  const names = roles.map(role => role.role).join(', ');
  if (chosen.length === 0) {
    throw new UsageError(name === undefined ? `${file} holds no role.` : `${file} has no role '${name}'; it has: ${names}.`);
  }
  throw new UsageError(`${file} holds ${chosen.length} roles (${names}): choose one with --role NAME.`);
}
