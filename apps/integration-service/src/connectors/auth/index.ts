export * from './auth-provider';
export * from './simple-auth.providers';
export * from './oauth2.provider';
export * from './oauth1.provider';
export * from './aws-sigv4.provider';
export * from './certificate.provider';
export * from './custom.provider';
