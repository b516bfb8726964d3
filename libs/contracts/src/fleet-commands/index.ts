export * from './fleet-command.dto';
export * from './command-output';
