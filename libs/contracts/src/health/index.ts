export * from './health.dto';
export * from './health-view.dto';
