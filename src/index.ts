export * from './issuer';
export * from './provider';
export * from './subject';
export * from './role';
