import { AppException } from '@app/contracts';
import type { CommandAccount } from '../command-accounts.reader';
import { expandTargets } from './expand-targets';

const acct = (account_id: string, regions: string[], tags: Record<string, string> = {}, enabled = true): CommandAccount => ({ account_id, role_arn: null, external_id: null, regions, tags, enabled });
const accounts = [acct('111111111111', ['us-east-1', 'eu-west-1'], { env: 'prod' }), acct('222222222222', ['*'], { env: 'dev' }), acct('333333333333', ['us-west-2'], { env: 'prod' }, false)];
const enabled = async () => ['ap-south-1', 'us-east-1'];
const pairs = (t: Awaited<ReturnType<typeof expandTargets>>) => t.map((x) => `${x.seq}:${x.account.account_id}/${x.region}`);

async function refusal(p: Promise<unknown>): Promise<AppException> {
  try {
    await p;
  } catch (e) {
    return e as AppException;
  }
  throw new Error('expected a refusal');
}

describe('expandTargets', () => {
  it('"all" × "*" is every enabled account in its configured regions ("*" accounts: their enabled regions)', async () => {
    const t = await expandTargets({ account_ids: 'all', regions: '*' }, accounts, enabled);
    expect(pairs(t)).toEqual(['0:111111111111/us-east-1', '1:111111111111/eu-west-1', '2:222222222222/ap-south-1', '3:222222222222/us-east-1']);
  });

  it('an explicit region list applies to every selected account; tags filter accounts', async () => {
    const t = await expandTargets({ account_ids: 'all', regions: ['us-west-2'], account_tags: { env: 'prod' } }, accounts, enabled);
    expect(pairs(t)).toEqual(['0:111111111111/us-west-2']);
  });

  it('listed accounts keep the requested order', async () => {
    const t = await expandTargets({ account_ids: ['222222222222', '111111111111'], regions: ['us-east-1'] }, accounts, enabled);
    expect(pairs(t)).toEqual(['0:222222222222/us-east-1', '1:111111111111/us-east-1']);
  });

  it('refuses unknown and disabled accounts naming the field', async () => {
    const e = await refusal(expandTargets({ account_ids: ['999999999999', '333333333333'], regions: '*' }, accounts, enabled));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.errors).toEqual([
      { field: 'targets.account_ids', message: 'not registered: 999999999999' },
      { field: 'targets.account_ids', message: 'disabled: 333333333333' },
    ]);
  });

  it('refuses targets that match nothing', async () => {
    const e = await refusal(expandTargets({ account_ids: 'all', regions: '*', account_tags: { env: 'none' } }, accounts, enabled));
    expect(e.code).toBe('COMMAND_NO_TARGETS');
    expect(e.status).toBe(400);
  });
});
