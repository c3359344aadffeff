/**
 * The aws-cdk-lib values that the library's modules use, required from aws-cdk-lib in this one place.
 *
 * Node.js resolves a package name afresh on every `require()` that names it when the package has an
 * "exports" map, as aws-cdk-lib has (it caches the path only for packages without one). Each such
 * resolution parses aws-cdk-lib's export map, about half a millisecond, and one per module that
 * imported aws-cdk-lib was a third of the library's import time. So modules import aws-cdk-lib's
 * classes and namespaces from here; types alone may still come from aws-cdk-lib (`import type`),
 * which compiles to nothing. The namespaces are aws-cdk-lib's lazy ones (`aws_iam` and so on), so
 * aws-ecr and region-info load when first used. ESLint rules (in .projenrc.ts) keep it this way.
 */
export {
  Annotations,
  App,
  Arn,
  ArnFormat,
  Aspects,
  aws_ecr,
  aws_iam,
  CfnCondition,
  CfnElement,
  CfnOutput,
  CfnParameter,
  CfnResource,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  Lazy,
  region_info,
  RemovalPolicy,
  Resource,
  Stack,
  Stage,
  Token,
  Tokenization,
} from 'aws-cdk-lib';
