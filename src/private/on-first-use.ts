import type * as WorkflowDocument from './workflow-document';
import type * as Engine from '../analysis/engine';

// Parts of the library that synthesizing roles never calls, loaded by the first call that needs them,
// so that importing the library stays cheap (`npx projen bench` measures the import).
/* eslint-disable @typescript-eslint/no-require-imports */

/** The policy engine behind `TrustPolicy` and `GitHubTrustChecks`. */
export function trustEngine(): typeof Engine {
  return require('../analysis/engine');
}

/** The workflow renderer behind `renderWorkflow()`. */
export function workflowRenderer(): typeof WorkflowDocument {
  return require('./workflow-document');
}
