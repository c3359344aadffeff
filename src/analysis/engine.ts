/**
 * The policy engine behind `TrustPolicy` and `GitHubTrustChecks`: reading, evaluating, explaining and
 * auditing trust policies. Most of the library's code is here, and most apps never call it, so it
 * is loaded on first use (`trustEngine()` in src/private/on-first-use.ts), not with the library.
 */
export { auditDocument, trustsGitHub } from './audit-rules';
export { evaluate } from './evaluation';
export { explainEvaluation } from './explain';
export { readPolicyDocument } from './policy-document';
export { auditRole } from './role-audit';
export { templateRoles } from './template-roles';
