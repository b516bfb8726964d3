export * from './fleet-command.dto';
