import { Construct, IConstruct } from 'constructs';
import { GitHubIssuer } from './issuer';
import { apiName } from './private/api-names';
import { arnAtSynth, knownPartitionAndAccount } from './private/arns';
import { Arn, ArnFormat, aws_iam as iam, CfnCondition, CfnParameter, CfnResource, Fn, RemovalPolicy, Resource, Stack, Token } from './private/aws-cdk-lib';
import { DEFAULT_AUDIENCE } from './private/defaults';
import { assertNoDynamicReference, fragmentsOf, hiddenCharacter } from './private/iam-strings';

/**
 * An IAM OpenID Connect provider that trusts a GitHub Actions token issuer.
 */
export interface IGitHubOidcProvider extends iam.IOidcProvider {
  /**
   * The GitHub issuer this provider trusts; it names the trust policy's condition keys.
   */
  readonly issuer: GitHubIssuer;
}

/**
 * Options for referencing a GitHub OIDC provider that already exists.
 */
export interface GitHubOidcProviderImportOptions {
  /**
   * The GitHub issuer the existing provider trusts.
   *
   * @default GitHubIssuer.GITHUB_COM
   */
  readonly issuer?: GitHubIssuer;
}

/**
 * Properties of a GitHub OIDC provider.
 */
export interface GitHubOidcProviderProps {
  /**
   * The GitHub issuer to trust.
   *
   * @default GitHubIssuer.GITHUB_COM
   */
  readonly issuer?: GitHubIssuer;

  /**
   * The audiences (client IDs) the provider accepts in a token's `aud` claim.
   *
   * @default ['sts.amazonaws.com']
   */
  readonly audiences?: string[];

  /**
   * Thumbprints of the issuer's certificate chain.
   *
   * AWS has not checked thumbprints for GitHub's issuer since July 2023, so none
   * are needed for github.com; a GitHub Enterprise Server whose certificate does
   * not chain to a public certificate authority may need one.
   *
   * @default - none: IAM fetches and trusts the issuer's certificate itself
   */
  readonly thumbprints?: string[];

  /**
   * What happens to the provider when it is removed from the stack, or the stack is deleted.
   *
   * An account has one provider per issuer, and every role of the account that trusts GitHub
   * uses it, also roles of other stacks and roles made by hand: deleting it would cut them all
   * off at once. So it stays by default; a later stack adopts it with `cdk import` or refers to
   * it with `GitHubOidcProvider.fromAccount()`. Give `RemovalPolicy.DESTROY` for a provider that
   * only this stack's roles use, such as in a test account.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The IAM OpenID Connect provider for a GitHub Actions token issuer
 * (`AWS::IAM::OIDCProvider`, created natively: no custom resource, no Lambda).
 *
 * An account can hold only one provider per issuer URL: create it in one stack and
 * reference it everywhere else with `GitHubOidcProvider.${apiName('fromAccount()')}`.
 *
 * @example
 * declare const stack: Stack;
 * const provider = new GitHubOidcProvider(stack, 'GitHub');
 */
export class GitHubOidcProvider extends iam.OidcProviderNative implements IGitHubOidcProvider {
  /**
   * References the account's existing provider for an issuer, by its well-known ARN
   * (`arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>`).
   *
   * @example
   * declare const stack: Stack;
   * const provider = GitHubOidcProvider.fromAccount(stack, 'GitHub');
   */
  public static fromAccount(scope: Construct, id: string, options: GitHubOidcProviderImportOptions = {}): IGitHubOidcProvider {
    const issuer = options.issuer ?? GitHubIssuer.GITHUB_COM;
    const arn = Stack.of(scope).formatArn({
      service: 'iam',
      region: '',
      resource: 'oidc-provider',
      resourceName: issuer.hostAndPath,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return new ImportedGitHubOidcProvider(scope, id, arn, issuer);
  }

  /**
   * A provider that each deployment creates or reuses, as a parameter says: for a stack deployed
   * to many accounts (a CloudFormation StackSet), where some accounts already hold the provider.
   *
   * The stack gets a parameter `<id>CreateProvider` (`true` by default, `false` where the account
   * has the provider for the issuer already). Either way, the roles trust the account's provider
   * for the issuer by its well-known ARN (`arn:<partition>:iam::<account>:oidc-provider/<issuer>`),
   * never an ARN the parameter could name, and wait for the provider where the stack creates it.
   *
   * @param props the provider's properties, for deployments that create it
   * @example
   * declare const stack: Stack;
   * const provider = GitHubOidcProvider.createdOrReused(stack, 'GitHub');
   */
  public static createdOrReused(scope: Construct, id: string, props: GitHubOidcProviderProps = {}): IGitHubOidcProvider {
    const stack = Stack.of(scope);
    const create = new CfnParameter(stack, `${id}CreateProvider`, {
      type: 'String',
      allowedValues: ['true', 'false'],
      default: 'true',
      description: `Whether this stack creates the account's IAM OIDC provider for ${(props.issuer ?? GitHubIssuer.GITHUB_COM).url} ` +
        "('true'), or uses the one the account already has ('false': an account holds one provider per issuer)",
    });
    const condition = new CfnCondition(stack, `${id}CreatesProvider`, { expression: Fn.conditionEquals(create.valueAsString, 'true') });
    const created = new GitHubOidcProvider(scope, id, props);
    (created.node.defaultChild as CfnResource).cfnOptions.condition = condition;
    const existing = GitHubOidcProvider.fromAccount(scope, `${id}Existing`, { issuer: created.issuer });
    // The same ARN either way; through Fn::If, a role waits for the provider where the stack creates it.
    const arn = Fn.conditionIf(condition.logicalId, created.oidcProviderArn, existing.oidcProviderArn).toString();
    return new ImportedGitHubOidcProvider(scope, `${id}CreatedOrReused`, arn, created.issuer);
  }

  /**
   * References an existing provider by its ARN.
   *
   * When the ARN is known at synth time, its provider name must match the issuer.
   *
   * @example
   * declare const stack: Stack;
   * const provider = GitHubOidcProvider.fromProviderArn(stack, 'GitHub',
   *   'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
   */
  public static fromProviderArn(
    scope: Construct,
    id: string,
    providerArn: string,
    options: GitHubOidcProviderImportOptions = {},
  ): IGitHubOidcProvider {
    const issuer = options.issuer ?? GitHubIssuer.GITHUB_COM;
    assertNoDynamicReference('OIDC provider ARN', providerArn);
    const known = arnAtSynth(scope, providerArn);
    if (known !== undefined) {
      validateProviderArn(scope, providerArn, known, issuer);
    } else {
      // Where only the account or partition is known at deployment, the provider's name may still be known.
      const last = fragmentsOf(providerArn).slice(-1)[0];
      const name = typeof last === 'string' ? /:oidc-provider\/(.*)$/.exec(last)?.[1] : undefined;
      if (name !== undefined && name !== issuer.hostAndPath) throw wrongIssuer(providerArn, issuer);
    }
    return new ImportedGitHubOidcProvider(scope, id, providerArn, issuer);
  }

  /**
   * The GitHub issuer this provider trusts.
   */
  public readonly issuer: GitHubIssuer;

  /**
   * The audiences (client IDs) this provider accepts.
   */
  public readonly audiences: string[];

  /**
   * @param scope the construct that contains the provider
   * @param id the provider's construct ID, unique within its scope
   * @param props the provider's properties
   */
  public constructor(scope: Construct, id: string, props: GitHubOidcProviderProps = {}) {
    const issuer = props.issuer ?? GitHubIssuer.GITHUB_COM;
    const audiences = validateAudiences(props.audiences ?? [DEFAULT_AUDIENCE]);
    super(scope, id, {
      url: issuer.url,
      clientIds: audiences,
      thumbprints: validateThumbprints(props.thumbprints),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.issuer = issuer;
    this.audiences = audiences;
    assertOnlyProviderForIssuer(this);
  }
}

/**
 * Tells whether a construct is a `GitHubOidcProvider` created in this app.
 */
function isCreatedProvider(construct: IConstruct): construct is GitHubOidcProvider {
  return construct instanceof GitHubOidcProvider;
}

/**
 * IAM refuses a second provider for the same issuer in one account (EntityAlreadyExists):
 * catch it at synth time for providers that are certain to share an account.
 */
function assertOnlyProviderForIssuer(created: GitHubOidcProvider): void {
  const stack = Stack.of(created);
  const others = created.node.root.node.findAll().filter(isCreatedProvider)
    .filter(other => other !== created && other.issuer.url === created.issuer.url);
  for (const other of others) {
    const otherStack = Stack.of(other);
    const sameAccount = otherStack === stack
      || (!Token.isUnresolved(stack.account) && stack.account === otherStack.account);
    if (sameAccount) {
      throw new Error(
        `Duplicate OIDC provider for issuer '${created.issuer.url}' at '${created.node.path}': ` +
        `'${other.node.path}' already creates it, and an account holds only one provider per issuer ` +
        `(IAM would fail with EntityAlreadyExists). Share that provider, or reference it with GitHubOidcProvider.${apiName('fromAccount()')}.`,
      );
    }
  }
}

/**
 * A provider's ARN, where it is known at synth time (pseudo parameters filled in), must
 * name the issuer's provider in the account and partition of the stack: IAM finds the
 * provider of a role's trust in the role's own account.
 */
function validateProviderArn(scope: IConstruct, providerArn: string, known: string, issuer: GitHubIssuer): void {
  const match = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):oidc-provider\/(.+)$/.exec(known);
  if (!match) {
    throw new Error(
      `Invalid OIDC provider ARN '${providerArn}': an IAM OIDC provider's ARN is ` +
      `'arn:<partition>:iam::<12-digit account>:oidc-provider/${issuer.hostAndPath}'. ` +
      `Pass the ARN that IAM shows for the provider, or use GitHubOidcProvider.${apiName('fromAccount()')}.`,
    );
  }
  const [, partition, account, name] = match;
  if (name !== issuer.hostAndPath) throw wrongIssuer(providerArn, issuer);
  const stack = knownPartitionAndAccount(scope);
  if ((stack.account !== undefined && account !== stack.account) || (stack.partition !== undefined && partition !== stack.partition)) {
    throw new Error(
      `OIDC provider ARN '${providerArn}' is in ${partition} account ${account}, but the stack deploys to ` +
      `${stack.partition ?? partition} account ${stack.account ?? account}: a role can only trust a provider in its own ` +
      `account, so no token would ever be admitted. Use GitHubOidcProvider.${apiName('fromAccount()')} for the provider of the stack's account.`,
    );
  }
}

function wrongIssuer(providerArn: string, issuer: GitHubIssuer): Error {
  return new Error(
    `OIDC provider ARN '${providerArn}' does not belong to issuer '${issuer.url}': ` +
    `its name must be '${issuer.hostAndPath}' (ARN ending ':oidc-provider/${issuer.hostAndPath}'). ` +
    'Pass the ARN of the provider for this issuer, or the matching `issuer` option.',
  );
}

function validateAudiences(audiences: string[]): string[] {
  if (audiences.length === 0 || audiences.length > 100) {
    throw new Error(
      `A GitHub OIDC provider needs 1 to 100 audiences, got ${audiences.length}: ` +
      `leave 'audiences' unset for the default ['${DEFAULT_AUDIENCE}'].`,
    );
  }
  for (const audience of audiences) {
    if (Token.isUnresolved(audience)) continue;
    if (audience.length === 0 || audience.length > 255 || /\s/.test(audience) || hiddenCharacter(audience)) {
      throw new Error(
        `Invalid audience '${audience}': an audience is 1-255 printable characters without spaces, such as '${DEFAULT_AUDIENCE}'.`,
      );
    }
  }
  const duplicate = audiences.find((audience, index) => audiences.indexOf(audience) !== index);
  if (duplicate !== undefined) {
    throw new Error(`Audience '${duplicate}' is listed twice: list each audience once.`);
  }
  return [...audiences];
}

function validateThumbprints(thumbprints: string[] | undefined): string[] | undefined {
  if (thumbprints === undefined) return undefined;
  if (thumbprints.length > 5) {
    throw new Error(`An OIDC provider takes at most 5 thumbprints, got ${thumbprints.length}.`);
  }
  for (const thumbprint of thumbprints) {
    if (!Token.isUnresolved(thumbprint) && !/^[0-9a-fA-F]{40}$/.test(thumbprint)) {
      throw new Error(`Invalid thumbprint '${thumbprint}': a thumbprint is the 40 hexadecimal digits of a SHA-1 fingerprint.`);
    }
  }
  return [...thumbprints];
}

class ImportedGitHubOidcProvider extends Resource implements IGitHubOidcProvider {
  public readonly oidcProviderArn: string;
  public readonly oidcProviderIssuer: string;
  public readonly issuer: GitHubIssuer;

  public constructor(scope: Construct, id: string, providerArn: string, issuer: GitHubIssuer) {
    super(scope, id, {
      account: Token.isUnresolved(providerArn) ? undefined : Arn.split(providerArn, ArnFormat.SLASH_RESOURCE_NAME).account,
    });
    this.oidcProviderArn = providerArn;
    this.oidcProviderIssuer = issuer.hostAndPath;
    this.issuer = issuer;
  }

  public get openIdConnectProviderArn(): string {
    return this.oidcProviderArn;
  }

  public get openIdConnectProviderIssuer(): string {
    return this.oidcProviderIssuer;
  }

  public get oidcProviderRef(): iam.OIDCProviderReference {
    return { oidcProviderArn: this.oidcProviderArn };
  }
}
