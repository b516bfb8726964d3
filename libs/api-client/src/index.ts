/**
 * The one client of the gateway's HTTP API, for the CLI (Node, CommonJS) and the web console (browser, ESM):
 * types generated from the OpenAPI document (`npm run api:generate`), openapi-fetch underneath. Nothing here
 * uses a Node API; storing tokens on disk is the CLI's business.
 */
export * from './api-error';
export * from './client';
export * from './event-stream';
export * from './token-session';
export type { components, operations, paths } from './openapi.generated';
