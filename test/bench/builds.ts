/**
 * What the two variants the benchmark compares share: N roles each, with the library
 * (with-library.ts) and the same trust policies written by hand with aws-cdk-lib (by-hand.ts).
 * They are separate modules so that a whole process of the hand-written variant never loads the
 * library. Used in process by bench.ts and, transpiled, as whole processes (see bench.ts).
 */
import type { App } from 'aws-cdk-lib';

export const ENV = { account: '123456789012', region: 'us-east-1' };
export const ISSUER = 'token.actions.githubusercontent.com';

export type Build = (roles: number) => App;

/**
 * A stack holds at most 500 resources, so roles go 250 to a stack: the first stack creates the
 * provider, the others name it by its ARN (both variants alike).
 */
export const ROLES_PER_STACK = 250;
