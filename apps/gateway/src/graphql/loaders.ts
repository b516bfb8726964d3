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
 * subscription event), so nothing cached outlives the permission check of the request that loaded it.
 */
export class Loaders {
  readonly account: DataLoader<string, AccountDto | null>;
  readonly integrationHealth: DataLoader<string, IntegrationHealthDto>;

  constructor(accounts: AccountsService, health: IntegrationHealthService) {
    this.account = new DataLoader(
      async (ids) => {
        const page = await accounts.list({ account_ids: [...ids], limit: ids.length });
        const byId = new Map(page.items.map((a) => [a.account_id, a]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: ACCOUNT_BATCH },
    );
    // No batch RPC for health: the loader still makes one request per distinct integration per query.
    this.integrationHealth = new DataLoader<string, IntegrationHealthDto>(async (ids) => Promise.all(ids.map((id) => health.get(id).catch((e: unknown) => toAppException(e)))));
  }
}
