/**
 * The audience that `aws-actions/configure-aws-credentials` asks GitHub to put in the token.
 */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
