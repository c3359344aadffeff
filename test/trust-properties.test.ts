import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as fc from 'fast-check';
import { GitHubActionsRole, GitHubIssuer, GitHubOidcProvider, GitHubRepository, GitHubSubject } from '../src';
import { admits, Token } from './oracle';
import { deployedValue, newStack } from './util';

// Property: for any valid owner, repository, context and IDs, the role's trust policy
// admits the matching token and refuses every token that differs from it in one field.
// The verdicts come from the pinned IAM simulator. CI uses a fixed seed; a failure
// prints the seed and the counterexample (replay with FC_SEED=<seed>).

const SEED = Number(process.env.FC_SEED ?? 20261125);
const RUNS = Number(process.env.FC_RUNS ?? 1000);
const ENTERPRISE = 'github.example.com/_services/token';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const word = (max: number) => fc.array(alnum, { minLength: 1, maxLength: max }).map(chars => chars.join(''));
const owner = fc.array(word(6), { minLength: 1, maxLength: 3 }).map(parts => parts.join('-'));
const repository = fc.tuple(word(8), fc.constantFrom('', '.js', '_api', '-app', '.github'))
  .map(([head, tail]) => `${head}${tail}`);
const refName = fc.array(fc.tuple(word(6), fc.constantFrom('', '-x', '_1', '.2')).map(([w, t]) => `${w}${t}`), { minLength: 1, maxLength: 3 })
  .map(parts => parts.join('/'));
const environment = fc.array(word(6), { minLength: 1, maxLength: 3 }).map(parts => parts.join(' '));
const id = fc.integer({ min: 1, max: 2_000_000_000 }).map(String);

type Context = { kind: 'branch' | 'tag' | 'environment'; name: string } | { kind: 'pullRequest' };
const context: fc.Arbitrary<Context> = fc.oneof(
  refName.map(name => ({ kind: 'branch' as const, name })),
  refName.map(name => ({ kind: 'tag' as const, name })),
  environment.map(name => ({ kind: 'environment' as const, name })),
  fc.constant({ kind: 'pullRequest' as const }),
);

interface Case {
  readonly owner: string;
  readonly repository: string;
  readonly ids?: { ownerId: string; repositoryId: string };
  readonly context: Context;
  readonly enterprise: boolean;
}

const cases: fc.Arbitrary<Case> = fc.record({
  owner,
  repository,
  ids: fc.option(fc.record({ ownerId: id, repositoryId: id }), { nil: undefined }),
  context,
  enterprise: fc.boolean(),
});

/** The `sub` GitHub would put in the token of a run matching the case. */
function tokenSubject(c: Case): string {
  const repo = c.ids ? `${c.owner}@${c.ids.ownerId}/${c.repository}@${c.ids.repositoryId}` : `${c.owner}/${c.repository}`;
  const ctx = c.context.kind === 'branch' ? `ref:refs/heads/${c.context.name}`
    : c.context.kind === 'tag' ? `ref:refs/tags/${c.context.name}`
      : c.context.kind === 'environment' ? `environment:${c.context.name}`
        : 'pull_request';
  return `repo:${repo}:${ctx}`;
}

function subjectFor(c: Case): GitHubSubject {
  const repo = GitHubRepository.of(c.owner, c.repository, c.ids ?? {});
  switch (c.context.kind) {
    case 'branch': return repo.branch(c.context.name);
    case 'tag': return repo.tag(c.context.name);
    case 'environment': return repo.environment(c.context.name);
    default: return repo.pullRequest();
  }
}

/** The trust policy as deployed, taken from the synthesized role resource. */
function trustPolicyFor(c: Case): any {
  const stack: Stack = newStack();
  const issuer = c.enterprise ? GitHubIssuer.enterpriseServer('github.example.com') : GitHubIssuer.GITHUB_COM;
  const role = new GitHubActionsRole(stack, 'Role', {
    provider: GitHubOidcProvider.fromAccount(stack, 'GitHub', { issuer }),
    subjects: [subjectFor(c)],
  });
  const document = stack.resolve((role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument);
  return deployedValue(document);
}

/** Tokens that differ from the matching one in exactly one field. */
function oneFieldOff(c: Case, sub: string): { [field: string]: Token } {
  const issuer = c.enterprise ? ENTERPRISE : undefined;
  const replaceRepo = (repo: string) => ({ issuer, sub: sub.replace(/^repo:[^:]*:/, `repo:${repo}:`) });
  const ownerPart = c.ids ? `${c.owner}@${c.ids.ownerId}` : c.owner;
  const repoPart = c.ids ? `${c.repository}@${c.ids.repositoryId}` : c.repository;
  const ctx = sub.slice(sub.indexOf(':', 'repo:'.length) + 1);
  const tokens: { [field: string]: Token } = {
    'owner with a suffix': replaceRepo(`${c.owner}x${c.ids ? `@${c.ids.ownerId}` : ''}/${repoPart}`),
    'owner with a prefix cut': c.owner.length > 1 ? replaceRepo(`${c.owner.slice(0, -1)}${c.ids ? `@${c.ids.ownerId}` : ''}/${repoPart}`) : replaceRepo(`x${ownerPart}/${repoPart}`),
    'repository with a suffix (-evil)': replaceRepo(`${ownerPart}/${c.repository}-evil${c.ids ? `@${c.ids.repositoryId}` : ''}`),
    'another repository': replaceRepo(`${ownerPart}/other${c.ids ? `@${c.ids.repositoryId}` : ''}`),
    'another audience': { issuer, sub, aud: 'sts.amazonaws.com.evil' },
    'no audience': { issuer, sub, aud: null },
    'another issuer': { issuer: c.enterprise ? undefined : ENTERPRISE, sub },
    'no subject': { issuer },
    'the context with a suffix': { issuer, sub: `${sub}x` },
    'the context of another kind': {
      issuer,
      sub: sub.replace(ctx, c.context.kind === 'branch' ? ctx.replace('refs/heads/', 'refs/tags/')
        : c.context.kind === 'tag' ? ctx.replace('refs/tags/', 'refs/heads/')
          : c.context.kind === 'environment' ? `ref:refs/heads/${c.context.name}` : 'environment:pull_request'),
    },
  };
  if (c.ids) {
    tokens['another owner ID'] = replaceRepo(`${c.owner}@${Number(c.ids.ownerId) + 1}/${repoPart}`);
    tokens['another repository ID'] = replaceRepo(`${ownerPart}/${c.repository}@${Number(c.ids.repositoryId) + 1}`);
    tokens['the name-only form'] = replaceRepo(`${c.owner}/${c.repository}`);
  }
  if ('name' in c.context) {
    tokens['the name cut short'] = c.context.name.length > 1 ? { issuer, sub: sub.slice(0, -1) } : { issuer, sub: `${sub}/x` };
  }
  const flipped = flipCase(sub);
  if (flipped !== sub) tokens['other letter case'] = { issuer, sub: flipped };
  return tokens;
}

function flipCase(text: string): string {
  const index = text.search(/[a-zA-Z]/g);
  if (index < 0) return text;
  const ch = text[index];
  return text.slice(0, index) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + text.slice(index + 1);
}

describe('trust policies for generated repositories and contexts', () => {
  test('admit the matching token and refuse every token one field off', () => {
    let judged = 0;
    fc.assert(fc.property(cases, c => {
      const policy = trustPolicyFor(c);
      const sub = tokenSubject(c);
      const issuer = c.enterprise ? ENTERPRISE : undefined;
      expect({ field: 'the matching token', admitted: admits(policy, { issuer, sub }) }).toEqual({ field: 'the matching token', admitted: true });
      for (const [field, token] of Object.entries(oneFieldOff(c, sub))) {
        expect({ field, token, admitted: admits(policy, token) }).toEqual({ field, token, admitted: false });
        judged++;
      }
    }), { seed: SEED, numRuns: RUNS });
    // Report how much the property judged, for the closing notes of a run.
    expect(judged).toBeGreaterThan(RUNS * 9);
  });

  test('the subject built from the case is the one GitHub writes', () => {
    fc.assert(fc.property(cases, c => {
      const expected = tokenSubject(c).replace(/environment:(.*)$/, (_, name: string) => `environment:${name.replace(/:/g, '%3A')}`);
      expect(subjectFor(c).value).toBe(expected);
    }), { seed: SEED, numRuns: RUNS });
  });
});
