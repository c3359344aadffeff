/**
 * What a claim pins down, for the checks in `GitHubSubject.fromClaims()`, and
 * which run context it names, for the workflow a role renders.
 */
export interface ClaimTraits {
  readonly pinsOwner?: boolean;
  readonly pinsRepository?: boolean;
  readonly context?: RunContext;
}

/**
 * The kind of workflow run a `context` claim admits.
 */
export interface RunContext {
  readonly kind: 'branch' | 'tag' | 'environment' | 'pullRequest' | 'any';
  /** The branch, tag or environment name (a pattern where it has wildcards). */
  readonly name?: string;
}
