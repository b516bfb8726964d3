import { startMoto, type MotoServer } from '@app/testing';
import { AccountCredentials } from './credentials/account-credentials';
import { resolveRegions } from './regions';

describe('resolveRegions against moto', () => {
  let moto: MotoServer;
  let accounts: AccountCredentials;
  beforeAll(async () => {
    moto = await startMoto();
    accounts = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' }) });
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('expands "*" to the enabled regions of the (assumed-role) account', async () => {
    const credentials = accounts.forAccount({ account_id: '111111111111', role_arn: 'arn:aws:iam::111111111111:role/FleetReader' }, 'us-east-1');
    const regions = await resolveRegions('*', { credentials, region: 'us-east-1', endpoint: moto.endpoint });
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']));
    expect(regions).toEqual([...new Set(regions)].sort());
    expect(regions.every((r) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(r))).toBe(true);
    expect(await resolveRegions(['eu-west-1', '*'], { credentials, region: 'us-east-1', endpoint: moto.endpoint })).toEqual(regions);
  });

  it('keeps an explicit list as given, without duplicates and without calling AWS', async () => {
    // An unreachable endpoint proves no call is made.
    const lookup = { credentials: accounts.forAccount({ account_id: '123456789012' }, 'us-east-1'), region: 'us-east-1', endpoint: 'http://127.0.0.1:9' };
    expect(await resolveRegions(['eu-west-1', 'us-east-1', 'eu-west-1', ' '], lookup)).toEqual(['eu-west-1', 'us-east-1']);
  });
});
