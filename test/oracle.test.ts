import { admits, allowsAction, GITHUB_ISSUER } from './oracle';
import { ACCOUNT } from './util';

// Always-run sanity cases: hand-written policies whose verdicts are known from
// IAM's documented semantics. If the pinned simulator changes behaviour, these
// fail before any verdict about the library's own policies is trusted.

const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB_ISSUER}`;

function policy(condition: any): any {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: condition,
    }],
  };
}

const AUD = { [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com' };
const MAIN = 'repo:octo-org/octo-app:ref:refs/heads/main';

describe('the IAM oracle', () => {
  test('admits the exact subject of a StringEquals condition and nothing else', () => {
    const exact = policy({ StringEquals: { ...AUD, [`${GITHUB_ISSUER}:sub`]: MAIN } });
    expect(admits(exact, { sub: MAIN })).toBe(true);
    expect(admits(exact, { sub: 'repo:octo-org/octo-app:ref:refs/heads/dev' })).toBe(false);
    expect(admits(exact, { sub: MAIN, aud: 'other' })).toBe(false);
    expect(admits(exact, { sub: MAIN.toUpperCase() })).toBe(false);
  });

  test('admits every repository when only the audience is checked (the classic misconfiguration)', () => {
    const audOnly = policy({ StringEquals: AUD });
    expect(admits(audOnly, { sub: 'repo:attacker/anything:ref:refs/heads/main' })).toBe(true);
  });

  test('admits nothing when exact and pattern subjects share one statement', () => {
    const mixed = policy({
      StringEquals: { ...AUD, [`${GITHUB_ISSUER}:sub`]: MAIN },
      StringLike: { [`${GITHUB_ISSUER}:sub`]: 'repo:octo-org/octo-app:ref:refs/tags/v*' },
    });
    expect(admits(mixed, { sub: MAIN })).toBe(false);
    expect(admits(mixed, { sub: 'repo:octo-org/octo-app:ref:refs/tags/v1' })).toBe(false);
  });

  test('lets a wildcard touching the repository name admit look-alike repositories', () => {
    const loose = policy({ StringEquals: AUD, StringLike: { [`${GITHUB_ISSUER}:sub`]: 'repo:octo-org/octo-app*' } });
    expect(admits(loose, { sub: 'repo:octo-org/octo-app-evil:ref:refs/heads/main' })).toBe(true);
  });

  test('refuses a token from another issuer, whose principal is another provider', () => {
    const exact = policy({ StringEquals: { ...AUD, [`${GITHUB_ISSUER}:sub`]: MAIN } });
    expect(admits(exact, { sub: MAIN, issuer: 'github.example.com/_services/token' })).toBe(false);
  });

  test('refuses a token without the checked claim', () => {
    const exact = policy({ StringEquals: { ...AUD, [`${GITHUB_ISSUER}:sub`]: MAIN } });
    expect(admits(exact, { sub: undefined })).toBe(false);
    expect(admits(exact, { sub: MAIN, aud: null })).toBe(false);
  });

  test('reads ${...} as a policy variable, also under StringEquals (the deploy-time widening)', () => {
    const variable = policy({ StringEquals: { ...AUD, [`${GITHUB_ISSUER}:sub`]: `\${${GITHUB_ISSUER}:sub}` } });
    expect(admits(variable, { sub: 'repo:attacker/anything:ref:refs/heads/main' })).toBe(true);
  });

  test('reads ${$}, ${*} and ${?} as literal characters under StringLike', () => {
    const escaped = policy({ StringEquals: AUD, StringLike: { [`${GITHUB_ISSUER}:sub`]: 'repo:o/r:ref:refs/heads/${$}{x}${*}${?}*' } });
    expect(admits(escaped, { sub: 'repo:o/r:ref:refs/heads/${x}*?tail' })).toBe(true);
    expect(admits(escaped, { sub: 'repo:o/r:ref:refs/heads/${x}ab' })).toBe(false);
    expect(admits(escaped, { sub: 'repo:o/r:ref:refs/heads/${$}{x}${*}${?}' })).toBe(false);
  });

  test('does not read ${*} as an escape under StringEquals (so the library escapes only under StringLike)', () => {
    const exact = policy({ StringEquals: { ...AUD, [`${GITHUB_ISSUER}:sub`]: 'repo:o/r:ref:refs/heads/${*}' } });
    expect(admits(exact, { sub: 'repo:o/r:ref:refs/heads/*' })).toBe(false);
  });

  test('reads * in a Resource as a wildcard and ${*} as a literal asterisk', () => {
    const grant = (resource: string) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'ecr:PutImage', Resource: resource }],
    });
    const repository = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/octo-app`;
    expect(allowsAction(grant(`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/*`), 'ecr:PutImage', repository)).toBe(true);
    expect(allowsAction(grant(`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/\${*}`), 'ecr:PutImage', repository)).toBe(false);
    expect(allowsAction(grant(repository), 'ecr:PutImage', repository)).toBe(true);
    expect(allowsAction(grant(repository), 'ecr:PutImage', `${repository}-evil`)).toBe(false);
  });

  test('fails loudly on a policy that is not a valid trust policy', () => {
    const invalid = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity' }] };
    expect(() => admits(invalid, { sub: MAIN })).toThrow(/Not a valid trust policy/);
  });
});
