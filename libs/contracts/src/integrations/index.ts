export * from './integration.enums';
export * from './integration-secrets';
export * from './integration-config.dto';
export * from './integration.dto';
export * from './integration-requests';
export * from './integration-events';
export * from './integration-lifecycle.dto';
export * from './integration-inbound';
