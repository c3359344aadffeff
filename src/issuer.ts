import { Token } from './private/aws-cdk-lib';

const GITHUB_COM_HOST = 'token.actions.githubusercontent.com';
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ENTERPRISE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$/;

/**
 * The OpenID Connect issuer that signs a GitHub Actions job's token.
 *
 * The issuer decides the OIDC provider's URL and the names of the IAM
 * condition keys (`<issuer without https://>:sub` and `:aud`) that a role's
 * trust policy checks, so it must be known when the app is synthesized.
 *
 * @example
 * const issuer = GitHubIssuer.enterpriseCloud('octo-enterprise');
 */
export class GitHubIssuer {
  /**
   * github.com: `https://token.actions.githubusercontent.com`.
   */
  public static readonly GITHUB_COM = new GitHubIssuer(GITHUB_COM_HOST);

  /**
   * GitHub Enterprise Cloud with a unique issuer URL for the enterprise:
   * `https://token.actions.githubusercontent.com/<enterprise-slug>`.
   *
   * @param enterpriseSlug the enterprise's slug, as in `github.com/enterprises/<slug>`
   */
  public static enterpriseCloud(enterpriseSlug: string): GitHubIssuer {
    assertKnown('enterprise slug', enterpriseSlug);
    if (!ENTERPRISE_SLUG.test(enterpriseSlug)) {
      throw new Error(
        `Invalid GitHub enterprise slug '${enterpriseSlug}': use the slug from github.com/enterprises/<slug> ` +
        '(1-100 lowercase letters, digits or inner hyphens).',
      );
    }
    return new GitHubIssuer(`${GITHUB_COM_HOST}/${enterpriseSlug}`);
  }

  /**
   * GitHub Enterprise Cloud with data residency (GHE.com):
   * `https://token.actions.<subdomain>.ghe.com`.
   *
   * @param subdomain the enterprise's subdomain, as in `<subdomain>.ghe.com`
   */
  public static gheCom(subdomain: string): GitHubIssuer {
    assertKnown('GHE.com subdomain', subdomain);
    if (!DNS_LABEL.test(subdomain)) {
      throw new Error(
        `Invalid GHE.com subdomain '${subdomain}': use the part before '.ghe.com' in your enterprise's address ` +
        '(1-63 lowercase letters, digits or inner hyphens).',
      );
    }
    return new GitHubIssuer(`token.actions.${subdomain}.ghe.com`);
  }

  /**
   * GitHub Enterprise Server: `https://<hostname>/_services/token`.
   *
   * The server's issuer must be reachable from the internet for AWS to fetch its keys.
   *
   * @param hostname the server's host name, such as `github.example.com` (no scheme, port or path)
   */
  public static enterpriseServer(hostname: string): GitHubIssuer {
    assertKnown('GitHub Enterprise Server host name', hostname);
    const labels = hostname.split('.');
    if (hostname.length > 253 || labels.length < 2 || !labels.every(label => DNS_LABEL.test(label))) {
      throw new Error(
        `Invalid GitHub Enterprise Server host name '${hostname}': give the lowercase DNS name only, ` +
        "such as 'github.example.com', without 'https://', a port or a path.",
      );
    }
    return new GitHubIssuer(`${hostname}/_services/token`);
  }

  /**
   * The issuer without its `https://` scheme, such as `token.actions.githubusercontent.com`.
   *
   * It names the IAM OIDC provider and prefixes the trust policy's condition keys.
   */
  public readonly hostAndPath: string;

  private constructor(hostAndPath: string) {
    this.hostAndPath = hostAndPath;
  }

  /**
   * The issuer URL, as in the token's `iss` claim, such as `https://token.actions.githubusercontent.com`.
   */
  public get url(): string {
    return `https://${this.hostAndPath}`;
  }

  /**
   * The IAM condition key for the token's `sub` claim, such as `token.actions.githubusercontent.com:sub`.
   */
  public get subjectConditionKey(): string {
    return `${this.hostAndPath}:sub`;
  }

  /**
   * The IAM condition key for the token's `aud` claim, such as `token.actions.githubusercontent.com:aud`.
   */
  public get audienceConditionKey(): string {
    return `${this.hostAndPath}:aud`;
  }
}

function assertKnown(what: string, value: string): void {
  if (Token.isUnresolved(value)) {
    throw new Error(
      `The ${what} must be known at synth time, not a token: it names the IAM condition keys of every trust policy. ` +
      'Pass a literal string.',
    );
  }
}
