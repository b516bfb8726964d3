export * from './fleet-command.enums';
export * from './fleet-command-requests';
export * from './fleet-command.dto';
export * from './fleet-command-events';
export * from './command-output';
