import { type ApiClientOptions, createApiClient } from '@app/api-client';
import { ConsoleSession } from './session';

const baseUrl = globalThis.location?.origin ?? 'http://localhost';

/** The signed-in person (one per tab). */
export const session = new ConsoleSession(baseUrl);

/** Options of the one API client, for the event stream, which reads with its own fetch. */
export const clientOptions: ApiClientOptions = { baseUrl, credentials: session };

/** The one typed client of the gateway's API (@app/api-client, generated from its OpenAPI document). */
export const api = createApiClient(clientOptions);

export { unwrap } from '@app/api-client';
export type { components } from '@app/api-client';
export type Schemas = import('@app/api-client').components['schemas'];
