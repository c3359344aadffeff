/**
 * What a claim pins down, for the checks in `GitHubSubject.fromClaims()`.
 */
export interface ClaimTraits {
  readonly pinsOwner?: boolean;
  readonly pinsRepository?: boolean;
  readonly admitsAnyContext?: boolean;
}
