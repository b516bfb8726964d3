export * from './error-codes';
export * from './app.exception';
export * from './validate';
export * from './unavailable';
export * from './not-found';
