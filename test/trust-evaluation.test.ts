import * as fc from 'fast-check';
import { GitHubToken, TrustPolicy } from '../src';
import { GITHUB_ISSUER, simulateWebIdentity } from './oracle';
import { ACCOUNT } from './util';

// Differential property: for generated trust policies and GitHub tokens, the library's
// evaluator (TrustPolicy.evaluate) reaches the same decision on sts:AssumeRoleWithWebIdentity
// as the pinned, independent IAM simulator: Allowed, ExplicitlyDenied or ImplicitlyDenied.
// Policy values are derived from the token's own claims (exact, case-changed, with wildcards,
// cut short, extended, or through policy variables), so that both outcomes are common.
// CI uses a fixed seed; a failure prints the seed and the counterexample (replay with FC_SEED=<seed>).

const SEED = Number(process.env.FC_SEED ?? 20261125);
const RUNS = Number(process.env.FC_RUNS ?? 1000);

/** Another GitHub issuer: an enterprise's custom issuer on github.com. */
const ACME_ISSUER = `${GITHUB_ISSUER}/acme`;
const providerArn = (issuer: string) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;

/** The claims STS sets as condition keys besides `sub` and `aud` (IAM's list for GitHub tokens). */
const STS_CLAIMS = ['repository', 'repository_id', 'job_workflow_ref', 'workflow', 'ref', 'environment', 'actor', 'actor_id', 'enterprise_id'];

// ---------------------------------------------------------------------------------------------
// Tokens

interface TokenCase {
  readonly issuer: string;
  /** Whether `iss` ends in `/` (the condition keys' prefix does not). */
  readonly trailingSlash: boolean;
  readonly claims: { readonly [claim: string]: string | string[] };
  /** Build the token with GitHubToken.of() rather than fromClaims() (only when it has just sub and aud). */
  readonly viaOf: boolean;
}

const owner = fc.constantFrom('octo-org', 'Octo-Org', 'octo');
const repoName = fc.constantFrom('app', 'App', 'app-evil');
const branch = fc.constantFrom('main', 'Main', 'dev', 'main/x');
const environmentName = fc.constantFrom('prod', 'Prod', 'prod-eu');
const audience = fc.oneof(
  { weight: 5, arbitrary: fc.constant<string | string[] | undefined>('sts.amazonaws.com') },
  { weight: 1, arbitrary: fc.constantFrom<string | string[] | undefined>('sts.amazonaws.com.evil', 'https://github.com/octo-org') },
  { weight: 1, arbitrary: fc.constant<string | string[] | undefined>(undefined) },
  { weight: 1, arbitrary: fc.constant<string | string[] | undefined>(['sts.amazonaws.com', 'https://github.com/octo-org']) },
);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

type JobContext = { kind: 'branch'; name: string } | { kind: 'environment'; name: string } | { kind: 'pull_request' };
const jobContext: fc.Arbitrary<JobContext> = fc.oneof(
  branch.map(name => ({ kind: 'branch' as const, name })),
  environmentName.map(name => ({ kind: 'environment' as const, name })),
  fc.constant({ kind: 'pull_request' as const }),
);

const tokenCase: fc.Arbitrary<TokenCase> = fc.record({
  issuer: fc.oneof({ weight: 3, arbitrary: fc.constant(GITHUB_ISSUER) }, { weight: 1, arbitrary: fc.constant(ACME_ISSUER) }),
  trailingSlash: fc.boolean(),
  owner,
  repoName,
  context: jobContext,
  aud: audience,
  withRepository: fc.boolean(),
  ref: optional(fc.constantFrom('refs/heads/main', 'refs/pull/1/merge')),
  withEnvironment: fc.boolean(),
  actor: optional(fc.constantFrom('octocat', 'Octocat')),
  // Not a condition key: policies that name it see no value.
  repositoryOwner: optional(owner),
  viaOf: fc.boolean(),
}).map(t => {
  const repository = `${t.owner}/${t.repoName}`;
  const context = t.context.kind === 'branch' ? `ref:refs/heads/${t.context.name}`
    : t.context.kind === 'environment' ? `environment:${t.context.name}` : 'pull_request';
  const claims: { [claim: string]: string | string[] | undefined } = {
    sub: `repo:${repository}:${context}`,
    aud: t.aud,
    repository: t.withRepository ? repository : undefined,
    ref: t.context.kind === 'branch' ? `refs/heads/${t.context.name}` : t.ref,
    environment: t.context.kind === 'environment' && t.withEnvironment ? t.context.name : undefined,
    actor: t.actor,
    repository_owner: t.repositoryOwner,
  };
  const present = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined)) as { [claim: string]: string | string[] };
  return { issuer: t.issuer, trailingSlash: t.trailingSlash, claims: present, viaOf: t.viaOf };
});

function githubToken(t: TokenCase): GitHubToken {
  const issuerUrl = `https://${t.issuer}${t.trailingSlash ? '/' : ''}`;
  const { sub, aud, ...others } = t.claims;
  if (t.viaOf && Object.keys(others).length === 0 && typeof aud === 'string') {
    return GitHubToken.of({ subject: sub as string, audience: aud === 'sts.amazonaws.com' ? undefined : aud, issuerUrl });
  }
  return GitHubToken.fromClaims({ iss: issuerUrl, ...t.claims });
}

/** The condition keys STS sets for the token, as the simulator receives them. */
function contextVariables(t: TokenCase): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {};
  for (const claim of ['sub', 'aud', ...STS_CLAIMS]) {
    const value = t.claims[claim];
    if (value !== undefined) keys[`${t.issuer}:${claim}`] = value;
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Condition values near the token's

/** The claims conditions test, `sub` and `aud` most often; `repository_owner` is a claim but not a condition key. */
const CONDITION_CLAIMS = ['sub', 'sub', 'sub', 'aud', 'aud', 'repository', 'ref', 'environment', 'actor', 'repository_owner'];
const FALLBACK: { [claim: string]: string } = {
  aud: 'sts.amazonaws.com',
  repository: 'octo-org/app',
  ref: 'refs/heads/main',
  environment: 'prod',
  actor: 'octocat',
  repository_owner: 'octo-org',
};

/** The token's value of a claim, or a plausible one if the token does not have it. */
function baseValue(t: TokenCase, claim: string): string {
  const value = t.claims[claim];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value[0];
  return FALLBACK[claim];
}

/** The issuer a policy names: mostly the token's. */
const issuerFor = (t: TokenCase) => fc.oneof(
  { weight: 4, arbitrary: fc.constant(t.issuer) },
  { weight: 1, arbitrary: fc.constant(t.issuer === GITHUB_ISSUER ? ACME_ISSUER : GITHUB_ISSUER) },
);

/** Condition keys and variable names are case-insensitive: write them in various cases. */
const keyName = (issuer: string, claim: string) => fc.constantFrom(
  `${issuer}:${claim}`,
  `${issuer}:${claim}`,
  `${issuer}:${claim.toUpperCase()}`,
  `${issuer.toUpperCase()}:${claim}`,
);

/** Flips the letter case of one letter at or after `at`, or of the whole text. */
function caseChanged(text: string, at: number, whole: boolean): string {
  if (whole) return text === text.toUpperCase() ? text.toLowerCase() : text.toUpperCase();
  const index = text.slice(at).search(/[a-zA-Z]/);
  if (index < 0) return text.toUpperCase();
  const i = at + index;
  const ch = text[i];
  return text.slice(0, i) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + text.slice(i + 1);
}

/** The `owner/repo` part of the token's subject. */
const repositoryOf = (t: TokenCase) => /^repo:([^:]*):/.exec(t.claims.sub as string)![1];

/**
 * A policy value with a variable in it: `${<issuer>:repository}`, the clause's own claim or a
 * key the token lacks, optionally with a default (which is literal text even with a `*` in it),
 * in place of (part of) the token's value.
 */
function variableValue(t: TokenCase, claim: string, base: string, like: boolean): fc.Arbitrary<string> {
  const repository = repositoryOf(t);
  return fc.tuple(issuerFor(t), fc.constantFrom('repository', claim, 'missingkey'))
    .chain(([issuer, name]) => fc.record({
      name: fc.constant(name),
      written: keyName(issuer, name),
      fallback: fc.constantFrom('none', 'none', 'exact', like ? 'with a wildcard' : 'exact', 'with a wildcard'),
      shape: fc.constantFrom('in place', 'whole', 'with a wildcard'),
    }))
    .map(({ name, written, fallback, shape }) => {
      const standsFor = name === 'repository' ? repository : base;
      const variable = fallback === 'none' ? `\${${written}}`
        : `\${${written}, '${fallback === 'exact' ? standsFor : `${standsFor.slice(0, -1)}*`}'}`;
      if (shape === 'in place' && base.includes(standsFor)) return base.replace(standsFor, variable);
      if (shape === 'with a wildcard') return name === 'repository' ? `repo:${variable}:*` : `${variable}*`;
      return variable;
    });
}

/**
 * A value for a clause on `claim`, mostly close to the token's value; under `StringLike` and
 * `StringNotLike` (`like`), more often with wildcards.
 */
function nearValue(t: TokenCase, claim: string, like: boolean): fc.Arbitrary<string> {
  const base = baseValue(t, claim);
  const position = fc.nat(Math.max(0, base.length - 1));
  const wild = like ? 3 : 1;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(base) },
    { weight: 2, arbitrary: fc.tuple(position, fc.boolean()).map(([at, whole]) => caseChanged(base, at, whole)) },
    { weight: 2 * wild, arbitrary: position.map(at => `${base.slice(0, at)}?${base.slice(at + 1)}`) },
    { weight: wild, arbitrary: position.map(at => `${base.slice(0, at)}?${base.slice(at)}`) },
    { weight: 2 * wild, arbitrary: position.map(at => `${base.slice(0, at)}*`) },
    { weight: wild, arbitrary: fc.tuple(position, position).map(([a, b]) => `${base.slice(0, Math.min(a, b))}*${base.slice(Math.max(a, b) + 1)}`) },
    { weight: wild, arbitrary: fc.tuple(position, fc.boolean()).map(([at, whole]) => `${caseChanged(base, at, whole).slice(0, at)}*`) },
    { weight: 1, arbitrary: position.map(at => base.slice(0, at)) },
    { weight: 1, arbitrary: fc.constantFrom(`${base}x`, `${base}-evil`, `${base}/x`, `${base}*`) },
    { weight: 1, arbitrary: fc.constantFrom('*', '', '?', 'repo:other-org/app:*', 'sts.amazonaws.com', 'octocat') },
    { weight: 4, arbitrary: variableValue(t, claim, base, like) },
  );
}

// ---------------------------------------------------------------------------------------------
// Policies

const STRING_OPERATORS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'];

interface Clause {
  readonly operator: string;
  readonly key: string;
  readonly values: string | string[] | boolean;
}

const oneOrList = (value: fc.Arbitrary<string>) => fc.oneof(
  { weight: 3, arbitrary: value },
  { weight: 1, arbitrary: fc.array(value, { minLength: 1, maxLength: 3 }) },
);

const operatorOf = (sets: string[]) => fc.tuple(
  fc.constantFrom(...STRING_OPERATORS),
  fc.constantFrom(...sets),
  fc.constantFrom('', '', '', 'IfExists'),
).map(([base, set, ifExists]) => `${set}${base}${ifExists}`);
const anyOperator = operatorOf(['', '', '', 'ForAnyValue:', 'ForAllValues:']);
// IAM documents no meaning for an operator without a set operator on a key with several
// values, and the two sides differ there (pinned below): such keys get set operators only.
const setOperator = operatorOf(['ForAnyValue:', 'ForAllValues:']);

function clause(t: TokenCase): fc.Arbitrary<Clause> {
  const keyed = fc.tuple(issuerFor(t), fc.constantFrom(...CONDITION_CLAIMS))
    .chain(([issuer, claim]) => fc.record({ claim: fc.constant(claim), key: keyName(issuer, claim) }));
  return fc.oneof(
    {
      weight: 6,
      arbitrary: keyed.chain(({ claim, key }) => (Array.isArray(t.claims[claim]) ? setOperator : anyOperator)
        .chain(operator => fc.record({
          operator: fc.constant(operator),
          key: fc.constant(key),
          values: oneOrList(nearValue(t, claim, operator.includes('Like'))),
        }))),
    },
    {
      weight: 1,
      arbitrary: keyed.chain(({ key }) => fc.record({
        operator: fc.constant('Null'),
        key: fc.constant(key),
        values: fc.constantFrom<string | string[] | boolean>('true', 'false', ['true', 'false'], 'True', 'FALSE', true, false),
      })),
    },
  );
}

function condition(t: TokenCase): fc.Arbitrary<{ [operator: string]: { [key: string]: Clause['values'] } } | undefined> {
  return fc.array(clause(t), { minLength: 0, maxLength: 3 }).map(clauses => {
    if (clauses.length === 0) return undefined;
    const block: { [operator: string]: { [key: string]: Clause['values'] } } = {};
    for (const c of clauses) block[c.operator] = { ...block[c.operator], [c.key]: c.values };
    return block;
  });
}

function principal(t: TokenCase, effect: 'Allow' | 'Deny'): fc.Arbitrary<{ [element: string]: any }> {
  const federated = issuerFor(t).map(issuer => ({ Federated: providerArn(issuer) }));
  const federatedList = fc.shuffledSubarray([GITHUB_ISSUER, ACME_ISSUER], { minLength: 1 }).map(issuers => ({ Federated: issuers.map(providerArn) }));
  const choices: Array<{ weight: number; arbitrary: fc.Arbitrary<{ [element: string]: any }> }> = [
    { weight: 8, arbitrary: federated.map(p => ({ Principal: p })) },
    { weight: 2, arbitrary: federatedList.map(p => ({ Principal: p })) },
    { weight: 1, arbitrary: fc.constantFrom<any>('*', { AWS: '*' }).map(p => ({ Principal: p })) },
  ];
  // The simulator accepts NotPrincipal in trust policies; IAM recommends it only with Deny.
  if (effect === 'Deny') choices.push({ weight: 2, arbitrary: federated.map(p => ({ NotPrincipal: p })) });
  return fc.oneof(...choices);
}

const ACTIONS = ['sts:AssumeRoleWithWebIdentity', 'sts:assumerolewithwebidentity', 'sts:*', 'sts:AssumeRole*', 'sts:AssumeRole', 'sts:TagSession', '*'];
const action: fc.Arbitrary<{ [element: string]: string | string[] }> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ Action: 'sts:AssumeRoleWithWebIdentity' }) },
  { weight: 2, arbitrary: fc.constantFrom(...ACTIONS).map(a => ({ Action: a })) },
  { weight: 1, arbitrary: fc.shuffledSubarray(ACTIONS, { minLength: 1, maxLength: 3 }).map(a => ({ Action: a })) },
  { weight: 1, arbitrary: fc.shuffledSubarray(ACTIONS.slice(3), { minLength: 1, maxLength: 2 }).map(a => ({ NotAction: a })) },
  { weight: 1, arbitrary: fc.constantFrom(...ACTIONS).map(a => ({ NotAction: a })) },
);

function statement(t: TokenCase): fc.Arbitrary<any> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant('Allow' as const) }, { weight: 1, arbitrary: fc.constant('Deny' as const) })
    .chain(effect => fc.tuple(principal(t, effect), action, condition(t)).map(([who, what, when]) => ({
      Effect: effect,
      ...who,
      ...what,
      ...(when === undefined ? {} : { Condition: when }),
    })));
}

/** Version 2012-10-17 only: the simulator substitutes variables in older policies too (pinned below). */
const trustCase = tokenCase.chain(t => fc.record({
  token: fc.constant(t),
  policy: fc.array(statement(t), { minLength: 1, maxLength: 3 }).map(statements => ({ Version: '2012-10-17', Statement: statements })),
}));

// ---------------------------------------------------------------------------------------------

function engineDecision(policy: any, token: GitHubToken): string {
  const decision = TrustPolicy.fromJson(policy).evaluate(token);
  expect(decision.decision).toBe(decision.allowed ? 'Allow' : 'Deny');
  return decision.allowed ? 'Allowed' : decision.explicitDeny ? 'ExplicitlyDenied' : 'ImplicitlyDenied';
}

describe('TrustPolicy.evaluate and the IAM simulator', () => {
  test(`agree on ${RUNS} generated policy/token pairs`, () => {
    const outcomes: { [decision: string]: number } = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0 };
    fc.assert(fc.property(trustCase, ({ token, policy }) => {
      const simulated = simulateWebIdentity(policy, { issuer: token.issuer, contextVariables: contextVariables(token) });
      expect(engineDecision(policy, githubToken(token))).toBe(simulated);
      outcomes[simulated]++;
    }), { seed: SEED, numRuns: RUNS });

    // The generator must exercise both outcomes (and explicit denials) a fair share of the time.
    const runs = outcomes.Allowed + outcomes.ExplicitlyDenied + outcomes.ImplicitlyDenied;
    expect(runs).toBe(RUNS);
    expect(outcomes.Allowed / runs).toBeGreaterThan(0.2);
    expect((outcomes.ExplicitlyDenied + outcomes.ImplicitlyDenied) / runs).toBeGreaterThan(0.2);
    expect(outcomes.ExplicitlyDenied / runs).toBeGreaterThan(0.05);
  });
});

// ---------------------------------------------------------------------------------------------
// Always-run pins: plain cases both sides agree on, and the cases where the pinned simulator
// departs from IAM's documentation (or IAM documents nothing), which the generator above leaves
// out. Each pins the simulator's current verdict, so that a new simulator version that changes
// one fails here, and the engine's verdict, which follows IAM's documentation where there is one.

const MAIN = 'repo:octo-org/app:ref:refs/heads/main';
const GITHUB_PROVIDER = providerArn(GITHUB_ISSUER);
const SUB_KEY = `${GITHUB_ISSUER}:sub`;
const AUD_KEY = `${GITHUB_ISSUER}:aud`;

const allowStatement = (when?: object) => ({
  Effect: 'Allow',
  Principal: { Federated: GITHUB_PROVIDER },
  Action: 'sts:AssumeRoleWithWebIdentity',
  ...(when ? { Condition: when } : {}),
});
const trustPolicy = (statements: object[], version: string | null = '2012-10-17') =>
  ({ ...(version === null ? {} : { Version: version }), Statement: statements });

/** Both verdicts on a token from github.com with the given claims. */
function verdicts(policy: any, claims: { [claim: string]: string | string[] }) {
  const token: TokenCase = { issuer: GITHUB_ISSUER, trailingSlash: false, claims, viaOf: false };
  return {
    simulator: simulateWebIdentity(policy, { issuer: GITHUB_ISSUER, contextVariables: contextVariables(token) }),
    engine: engineDecision(policy, githubToken(token)),
  };
}

interface Pin {
  readonly policy: any;
  readonly claims: { [claim: string]: string | string[] };
  readonly simulator: string;
  readonly engine: string;
}

const agreed: { [name: string]: Pin } = {
  'the exact subject and audience': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: MAIN, [AUD_KEY]: 'sts.amazonaws.com' } })]),
    claims: { sub: MAIN, aud: 'sts.amazonaws.com' },
    simulator: 'Allowed',
    engine: 'Allowed',
  },
  'another audience': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: MAIN, [AUD_KEY]: 'sts.amazonaws.com' } })]),
    claims: { sub: MAIN, aud: 'sts.amazonaws.com.evil' },
    simulator: 'ImplicitlyDenied',
    engine: 'ImplicitlyDenied',
  },
  'a Deny on pull requests next to an Allow on the repository': {
    policy: trustPolicy([
      allowStatement({ StringLike: { [SUB_KEY]: 'repo:octo-org/app:*' } }),
      { Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: { StringLike: { [SUB_KEY]: '*:pull_request' } } },
    ]),
    claims: { sub: 'repo:octo-org/app:pull_request', aud: 'sts.amazonaws.com' },
    simulator: 'ExplicitlyDenied',
    engine: 'ExplicitlyDenied',
  },
  'StringNotEquals on a key the token lacks holds': {
    policy: trustPolicy([allowStatement({ StringNotEquals: { [`${GITHUB_ISSUER}:environment`]: 'prod' } })]),
    claims: { sub: MAIN, aud: 'sts.amazonaws.com' },
    simulator: 'Allowed',
    engine: 'Allowed',
  },
  'the repository claim through a policy variable': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: `repo:\${${GITHUB_ISSUER}:repository}:ref:refs/heads/main` } })]),
    claims: { sub: MAIN, aud: 'sts.amazonaws.com', repository: 'octo-org/app' },
    simulator: 'Allowed',
    engine: 'Allowed',
  },
  // Under StringLike the simulator, too, reads ${*}, ${?} and ${$} as the characters themselves.
  '${*} is a literal * under StringLike': {
    policy: trustPolicy([allowStatement({ StringLike: { [SUB_KEY]: 'repo:octo-org/app:ref:refs/heads/${*}' } })]),
    claims: { sub: MAIN },
    simulator: 'ImplicitlyDenied',
    engine: 'ImplicitlyDenied',
  },
  '${?} is a literal ? under StringLike': {
    policy: trustPolicy([allowStatement({ StringLike: { [SUB_KEY]: 'repo:octo-org/app:ref:refs/heads/v${?}' } })]),
    claims: { sub: 'repo:octo-org/app:ref:refs/heads/v?' },
    simulator: 'Allowed',
    engine: 'Allowed',
  },
  '${?} does not match another character under StringLike': {
    policy: trustPolicy([allowStatement({ StringLike: { [SUB_KEY]: 'repo:octo-org/app:ref:refs/heads/v${?}' } })]),
    claims: { sub: 'repo:octo-org/app:ref:refs/heads/v1' },
    simulator: 'ImplicitlyDenied',
    engine: 'ImplicitlyDenied',
  },
  '${$} is a literal $ under StringLike': {
    policy: trustPolicy([allowStatement({ StringLike: { [SUB_KEY]: 'repo:octo-org/app:environment:${$}*' } })]),
    claims: { sub: 'repo:octo-org/app:environment:$prod' },
    simulator: 'Allowed',
    engine: 'Allowed',
  },
};

const deviations: { [name: string]: Pin } = {
  // IAM documents ${*}, ${?} and ${$} as the literal characters; under StringEquals the
  // simulator does not expand them.
  '${*} is a literal * (StringEquals)': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: 'repo:octo-org/app:ref:refs/heads/${*}' } })]),
    claims: { sub: 'repo:octo-org/app:ref:refs/heads/*' },
    simulator: 'ImplicitlyDenied',
    engine: 'Allowed',
  },
  '${?} is a literal ? (StringEquals)': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: 'repo:octo-org/app:ref:refs/heads/v${?}' } })]),
    claims: { sub: 'repo:octo-org/app:ref:refs/heads/v?' },
    simulator: 'ImplicitlyDenied',
    engine: 'Allowed',
  },
  '${$} is a literal $ (StringEquals)': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: 'repo:octo-org/app:environment:${$}prod' } })]),
    claims: { sub: 'repo:octo-org/app:environment:$prod' },
    simulator: 'ImplicitlyDenied',
    engine: 'Allowed',
  },
  // IAM documents that variables are substituted only under Version 2012-10-17 (otherwise the
  // text is literal); the simulator substitutes them in any version.
  'no variables in a 2008-10-17 policy': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: `\${${SUB_KEY}}` } })], '2008-10-17'),
    claims: { sub: MAIN },
    simulator: 'Allowed',
    engine: 'ImplicitlyDenied',
  },
  'no variables in a policy without Version': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: `\${${SUB_KEY}}` } })], null),
    claims: { sub: MAIN },
    simulator: 'Allowed',
    engine: 'ImplicitlyDenied',
  },
  // IAM documents a default as `${key, 'default'}` (comma and space); the generator uses only
  // that form. Without the space the simulator reads no default; the engine still does.
  'a default without the space after the comma (undocumented)': {
    policy: trustPolicy([allowStatement({ StringEquals: { [SUB_KEY]: `\${${GITHUB_ISSUER}:missingkey,'${MAIN}'}` } })]),
    claims: { sub: MAIN },
    simulator: 'ImplicitlyDenied',
    engine: 'Allowed',
  },
  // The simulator counts the OIDC provider as a principal of its account, so an account
  // principal (AWS: <account>) names the web identity; IAM lists web identity (Federated)
  // principals apart from AWS account principals, and the engine does not match them.
  'a Deny on the account principal': {
    policy: trustPolicy([allowStatement(), { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRoleWithWebIdentity' }]),
    claims: { sub: MAIN },
    simulator: 'ExplicitlyDenied',
    engine: 'Allowed',
  },
  'a Deny on everyone but the account principal': {
    policy: trustPolicy([allowStatement(), { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRoleWithWebIdentity' }]),
    claims: { sub: MAIN },
    simulator: 'Allowed',
    engine: 'ExplicitlyDenied',
  },
  // IAM says a key with several values needs ForAnyValue/ForAllValues and documents no result
  // without one (GitHub sends a single aud). The simulator never matches a list value without a
  // set operator; the engine matches if any value does.
  'StringEquals on a list-valued aud': {
    policy: trustPolicy([allowStatement({ StringEquals: { [AUD_KEY]: 'sts.amazonaws.com' } })]),
    claims: { sub: MAIN, aud: ['sts.amazonaws.com', 'https://github.com/octo-org'] },
    simulator: 'ImplicitlyDenied',
    engine: 'Allowed',
  },
};

describe('oracle sanity and known deviations', () => {
  test.each(Object.entries(agreed))('both sides agree: %s', (_, pin) => {
    expect(verdicts(pin.policy, pin.claims)).toEqual({ simulator: pin.simulator, engine: pin.engine });
  });

  test.each(Object.entries(deviations))('pinned deviation: %s', (_, pin) => {
    expect(verdicts(pin.policy, pin.claims)).toEqual({ simulator: pin.simulator, engine: pin.engine });
  });
});
