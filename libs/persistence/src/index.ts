export * from './embedded-postgres';
export * from './data-source.factory';
export * from './rows';
export * from './outbox';
export * from './typeorm-logger';
