export * from './ports';
export * from './moto';
export * from './nats-server';
export * from './infra';
export * from './system';
export * from './http';
export * from './webhook-sink';
export * from './holding-proxy';
