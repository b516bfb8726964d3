import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { startMoto, type MotoServer } from '@app/testing';
import { listOrganizationAccounts } from './organizations';

describe('listOrganizationAccounts against moto', () => {
  let moto: MotoServer;
  const credentials = async () => ({ accessKeyId: 'testing', secretAccessKey: 'testing' });
  beforeAll(async () => {
    moto = await startMoto();
    const org = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    for (const name of ['prod', 'staging', 'dev']) await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    org.destroy();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('lists every account of the organization across pages, with a suggested role ARN', async () => {
    const accounts = await listOrganizationAccounts({ credentials, region: 'us-east-1', endpoint: moto.endpoint, pageSize: 1, roleName: 'OrganizationAccountAccessRole' });
    expect(accounts.map((a) => a.name).sort()).toEqual(['dev', 'master', 'prod', 'staging'].sort());
    const prod = accounts.find((a) => a.name === 'prod')!;
    expect(prod).toMatchObject({ email: 'prod@example.com', status: 'ACTIVE', role_arn: `arn:aws:iam::${prod.account_id}:role/OrganizationAccountAccessRole` });
    expect(prod.account_id).toMatch(/^\d{12}$/);
    expect(prod.arn).toContain(prod.account_id);
    expect(new Set(accounts.map((a) => a.account_id)).size).toBe(4);
  });
});
