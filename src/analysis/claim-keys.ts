/**
 * The condition keys AWS STS sets from a GitHub Actions token, after the issuer's key prefix
 * (`token.actions.githubusercontent.com:sub`): `sub` and `aud` always, and since early 2026
 * these claims when the token carries them.
 */
export const STS_CLAIM_KEYS = [
  'repository', 'repository_id', 'job_workflow_ref', 'workflow', 'ref', 'environment', 'actor', 'actor_id', 'enterprise_id',
];

/** Every key STS can set from a GitHub token, after the issuer's prefix. */
export const TOKEN_CONDITION_KEYS = ['sub', 'aud', ...STS_CLAIM_KEYS];

/**
 * Global keys that a web identity request never carries: no AWS principal makes it, so a
 * required condition on one keeps every GitHub token out.
 */
export const NEVER_IN_WEB_IDENTITY = /^aws:(?:PrincipalOrgID|PrincipalOrgPaths|PrincipalAccount|PrincipalArn|PrincipalTag\/.*|SourceArn|SourceAccount)$/i;
