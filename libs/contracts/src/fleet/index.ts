export * from './fleet.validators';
export * from './account.dto';
export * from './resource.dto';
export * from './sync.dto';
export * from './fleet-events';
