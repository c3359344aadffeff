import { GitHubIssuer } from '../issuer';
import { TOKEN_CONDITION_KEYS } from './claim-keys';

/**
 * What a token carries, for `GitHubToken.of()`.
 */
export interface GitHubTokenProps {
  /**
   * The `sub` claim, such as `repo:octo-org/octo-app:ref:refs/heads/main`.
   */
  readonly subject: string;

  /**
   * The `aud` claim.
   *
   * @default 'sts.amazonaws.com', what `aws-actions/configure-aws-credentials` requests
   */
  readonly audience?: string;

  /**
   * The issuer that signed the token (its `iss` claim, with `https://`).
   *
   * @default 'https://token.actions.githubusercontent.com'
   */
  readonly issuerUrl?: string;
}

/**
 * A GitHub Actions job's OIDC token, as AWS STS sees it when the job calls
 * `sts:AssumeRoleWithWebIdentity`: its issuer and the claims that become condition keys.
 *
 * Nothing here verifies a signature: the token is only read, to explain or test a trust policy.
 *
 * @example
 * const token = GitHubToken.of({ subject: 'repo:octo-org/octo-app:ref:refs/heads/main' });
 */
export class GitHubToken {
  /**
   * A token with the given `sub`, `aud` and issuer.
   *
   * The claims that a `sub` of GitHub's default form states are set too, as GitHub sets them:
   * `repository` (and `repository_id` in the immutable form), and `ref` or `environment` from
   * the context. Claims that `sub` does not state (`actor`, `job_workflow_ref`, ...) are absent:
   * use `fromClaims()` for a decision that depends on them.
   */
  public static of(props: GitHubTokenProps): GitHubToken {
    return new GitHubToken({
      ...claimsStatedBy(props.subject),
      iss: props.issuerUrl ?? GitHubIssuer.GITHUB_COM.url,
      sub: props.subject,
      aud: props.audience ?? 'sts.amazonaws.com',
    });
  }

  /**
   * A token from its decoded claims: the JSON object a workflow prints, with `iss`, `sub`, `aud`
   * and the other claims GitHub sets (`repository`, `ref`, `environment`, ...).
   *
   * A claim without `iss` is taken to come from github.com.
   *
   * @param claims the token's payload, such as `{ "sub": "repo:octo-org/octo-app:ref:refs/heads/main", "aud": "sts.amazonaws.com" }`
   */
  public static fromClaims(claims: { [claim: string]: any }): GitHubToken {
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
      throw new Error('Token claims must be a JSON object, such as {"sub": "repo:octo-org/octo-app:ref:refs/heads/main", "aud": "sts.amazonaws.com"}.');
    }
    const strings: { [claim: string]: string | string[] } = {};
    for (const [name, value] of Object.entries(claims)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        strings[name] = String(value);
      } else if (Array.isArray(value) && value.every(item => typeof item === 'string')) {
        strings[name] = value;
      }
    }
    if (typeof strings.sub !== 'string') {
      throw new Error("Token claims have no 'sub' string: give the whole decoded payload of the job's token.");
    }
    return new GitHubToken({ iss: GitHubIssuer.GITHUB_COM.url, ...strings });
  }

  /**
   * A token from its compact JWT form (`header.payload.signature`), decoded without verifying
   * its signature: use it to explain a denial, never to decide whom to trust.
   */
  public static fromJwt(jwt: string): GitHubToken {
    const parts = jwt.trim().split('.');
    if (parts.length !== 3) {
      throw new Error('Not a JWT: a token has three base64url parts separated by dots (header.payload.signature).');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      throw new Error('Not a JWT: its second part is not base64url-encoded JSON.');
    }
    return GitHubToken.fromClaims(payload as { [claim: string]: any });
  }

  /** The claims that matter to STS, as strings (`aud` may be several). */
  private readonly claimValues: { [claim: string]: string | string[] };

  private constructor(claims: { [claim: string]: string | string[] }) {
    this.claimValues = claims;
  }

  /**
   * The issuer URL (`iss`), such as `https://token.actions.githubusercontent.com`.
   */
  public get issuerUrl(): string {
    const iss = this.claimValues.iss;
    return typeof iss === 'string' ? iss : GitHubIssuer.GITHUB_COM.url;
  }

  /**
   * The issuer without `https://` and without a trailing `/`: the OIDC provider's name
   * and the prefix of the condition keys.
   */
  public get issuerHostAndPath(): string {
    return this.issuerUrl.replace(/^https:\/\//, '').replace(/\/+$/, '');
  }

  /**
   * The `sub` claim.
   */
  public get subject(): string {
    return this.claimValues.sub as string;
  }

  /**
   * The `aud` claim's values (GitHub sends one).
   */
  public get audiences(): string[] {
    const aud = this.claimValues.aud;
    return aud === undefined ? [] : typeof aud === 'string' ? [aud] : [...aud];
  }

  /**
   * A claim's value, if the token has it as a string (for example `job_workflow_ref`).
   */
  public claim(name: string): string | undefined {
    const value = this.claimValues[name];
    return typeof value === 'string' ? value : undefined;
  }

  /**
   * The request's condition keys, as STS sets them for this token: each key's values.
   *
   * @internal
   */
  public _contextKeys(): Map<string, string[]> {
    const prefix = this.issuerHostAndPath;
    const keys = new Map<string, string[]>();
    for (const claim of TOKEN_CONDITION_KEYS) {
      const value = this.claimValues[claim];
      if (value === undefined) continue;
      keys.set(`${prefix}:${claim}`.toLowerCase(), typeof value === 'string' ? [value] : [...value]);
    }
    return keys;
  }
}

/** The claims a `sub` of GitHub's default form (`repo:OWNER/REPO:CONTEXT`) states. */
function claimsStatedBy(subject: string): { [claim: string]: string } {
  const match = /^repo:([^/:@]+)(?:@\d+)?\/([^/:@]+)(?:@(\d+))?:(ref:(refs\/[^:]+)|environment:([^:]+)|pull_request)$/.exec(subject);
  if (!match) return {};
  const claims: { [claim: string]: string } = { repository: `${match[1]}/${match[2]}` };
  if (match[3] !== undefined) claims.repository_id = match[3];
  if (match[5] !== undefined) claims.ref = match[5];
  if (match[6] !== undefined) claims.environment = match[6].replace(/%3A/g, ':');
  return claims;
}
