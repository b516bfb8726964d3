import { AccountDto, HEALTH_LIST_MAX_IDS, IntegrationHealthDto, integrationNotFound } from '@app/contracts';
import DataLoader from 'dataloader';
import { AccountsService } from '../accounts/accounts.service';
import { IntegrationHealthService } from '../health/integration-health.service';

/** The most account ids one `rpc.account.list` carries (the contract's `account_ids` bound). */
const ACCOUNT_BATCH = 100;

/**
 * Per-request batching of the lookups relations make: the accounts of a page of resources are one
 * `rpc.account.list` with `account_ids`, not one request per resource. Made fresh for every request (and every
 * subscription event), so nothing cached outlives the permission check of the request that loaded it; each loader
 * is built the first time a relation asks for it, so a query without relations builds none.
 */
export class Loaders {
  private accountLoader?: DataLoader<string, AccountDto | null>;
  private healthLoader?: DataLoader<string, IntegrationHealthDto>;

  constructor(
    private readonly accounts: AccountsService,
    private readonly health: IntegrationHealthService,
  ) {}

  get account(): DataLoader<string, AccountDto | null> {
    return (this.accountLoader ??= new DataLoader(
      async (ids) => {
        const page = await this.accounts.list({ account_ids: [...ids], limit: ids.length });
        const byId = new Map(page.items.map((a) => [a.account_id, a]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: ACCOUNT_BATCH },
    ));
  }

  /** The health of a page of integrations is one `rpc.health.list`; an id it does not know is INTEGRATION_NOT_FOUND. */
  get integrationHealth(): DataLoader<string, IntegrationHealthDto> {
    return (this.healthLoader ??= new DataLoader<string, IntegrationHealthDto>(
      async (ids) => {
        const { items } = await this.health.list([...ids]);
        const byId = new Map(items.map((h) => [h.integration_id, h]));
        return ids.map((id) => byId.get(id.toLowerCase()) ?? integrationNotFound(id));
      },
      { maxBatchSize: HEALTH_LIST_MAX_IDS },
    ));
  }
}
