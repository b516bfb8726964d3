export * from './message-bus';
export * from './nats-message-bus';
export * from './in-process-message-bus';
export * from './on-message.decorator';
export * from './event-publisher';
export * from './messaging.module';
export { runHandler, unwrapReply } from './handler.runner';
