import { IntegrationDto } from './integration.dto';

/** An integration as events carry it: no secret values at all, not even masked ones. */
export type PublicIntegration = Omit<IntegrationDto, 'auth' | 'connection'> & {
  auth: { type: IntegrationDto['auth']['type'] } & Record<string, unknown>;
  connection: Record<string, unknown>;
};

export interface IntegrationCreatedData {
  integration: PublicIntegration;
}
export interface IntegrationUpdatedData {
  integration: PublicIntegration;
  changed_fields: string[];
}
export interface IntegrationDeletedData {
  id: string;
  name: string;
  type: IntegrationDto['type'];
}
