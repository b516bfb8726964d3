import { AccountDto, IntegrationHealthDto } from '@app/contracts';
import { toAppException } from '@app/platform';
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

  /** No batch RPC for health: the loader still makes one request per distinct integration per query. */
  get integrationHealth(): DataLoader<string, IntegrationHealthDto> {
    return (this.healthLoader ??= new DataLoader<string, IntegrationHealthDto>(async (ids) => Promise.all(ids.map((id) => this.health.get(id).catch((e: unknown) => toAppException(e))))));
  }
}
