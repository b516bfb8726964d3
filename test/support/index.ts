export * from './ports';
export * from './moto';
