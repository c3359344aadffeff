/**
 * What a claim pins down, for the checks in `GitHubSubject.fromClaims()`, and
 * which run context it names, for the workflow a role renders.
 */
export interface ClaimTraits {
  readonly pinsOwner?: boolean;
  readonly pinsRepository?: boolean;
  /** The owner's numeric ID, where the claim names it. */
  readonly ownerId?: string;
  /** The repository's numeric ID, where the claim names it. */
  readonly repositoryId?: string;
  /** A repository ID that `sub` does not carry (the name form), pinned by a `repository_id` condition instead. */
  readonly repositoryIdCondition?: string;
  readonly context?: RunContext;
  /** The base branch (a pattern where it has wildcards) of a merge queue whose refs the claim's text ends with. */
  readonly mergeQueueBase?: string;
  /** The most characters the claim's values known only at deployment can add to the trust policy. */
  readonly longestAtDeployment?: number;
}

/**
 * The kind of workflow run a `context` claim admits.
 */
export interface RunContext {
  readonly kind: 'branch' | 'tag' | 'environment' | 'pullRequest' | 'mergeQueue' | 'any';
  /** The branch, tag or environment name, or a merge queue's base branch (a pattern where it has wildcards). */
  readonly name?: string;
}
