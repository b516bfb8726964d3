export * from './subjects';
export * from './system';
export * from './errors';
export * from './events/cloud-event';
export * from './common/validators';
export * from './integrations';
export * from './health';
export * from './fleet';
