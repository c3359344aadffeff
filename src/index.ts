export * from './issuer';
export * from './provider';
export * from './subject';
export * from './role';
export * from './workflow';
export * from './ecr-push-role';
