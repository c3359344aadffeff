import type { GitHubRepository } from './subject';

/**
 * Options for the GitHub Actions workflow that a role renders with `renderWorkflow()`.
 */
export interface GitHubWorkflowOptions {
  /**
   * The repository the workflow runs in: its triggers and environment follow the
   * subjects the role trusts for that repository only.
   *
   * @default - the one repository the role trusts; required when it trusts several
   */
  readonly repository?: GitHubRepository;

  /**
   * The deployment environment the job runs in; the role must trust it.
   *
   * Every run of a job in an environment carries the `environment:NAME` subject, whatever
   * branch it runs on.
   *
   * @default - the first environment the role trusts by its exact name for the repository; none if it trusts none
   */
  readonly environment?: string;

  /**
   * The AWS Region the job works in (`aws-region`).
   *
   * @default - the stack's Region; required when the stack is environment-agnostic
   */
  readonly region?: string;

  /**
   * The workflow's name.
   *
   * @default - 'Deploy with AWS', or 'Push to Amazon ECR' for an `EcrPushRole`
   */
  readonly workflowName?: string;

  /**
   * The repository variable that holds the role's ARN, used when the ARN is not
   * known at synth time (the role has no fixed name, or the stack no fixed account).
   *
   * @default 'AWS_ROLE_ARN'
   */
  readonly roleArnVariable?: string;

  /**
   * Shell commands the job runs with the role's credentials.
   *
   * @default - `aws sts get-caller-identity`; for an `EcrPushRole`, docker build and push of each repository
   */
  readonly commands?: string[];

  /**
   * The runner the job runs on.
   *
   * @default 'ubuntu-latest'
   */
  readonly runsOn?: string;
}
