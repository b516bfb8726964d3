import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@smithy/types';
import { startMoto, type MotoServer } from '@app/testing';
import { AccountCredentials, checkAccountAccess, refreshingProvider } from './account-credentials';

const DEFAULT_ACCOUNT = '123456789012';
const MEMBER_ACCOUNT = '111111111111';
const staticCreds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const base = async (): Promise<AwsCredentialIdentity> => staticCreds;

describe('AccountCredentials against moto', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('uses the base credentials for an account without a role', async () => {
    const creds = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: base });
    const result = await checkAccountAccess(creds, { account_id: DEFAULT_ACCOUNT }, 'us-east-1');
    expect(result).toEqual({ ok: true, arn: `arn:aws:sts::${DEFAULT_ACCOUNT}:user/moto`, account: DEFAULT_ACCOUNT });
  });

  it('falls back to the Node provider chain when no base credentials are injected', async () => {
    // The SDK's chain reads the environment; only the test sets it, the class never does.
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    try {
      const creds = new AccountCredentials({ endpoint: moto.endpoint });
      const result = await checkAccountAccess(creds, { account_id: DEFAULT_ACCOUNT }, 'eu-west-1');
      expect(result.ok).toBe(true);
      expect(result.account).toBe(DEFAULT_ACCOUNT);
    } finally {
      process.env = saved;
    }
  });

  it('assumes the role (with external id) and acts in the member account', async () => {
    const creds = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: base, sessionName: 'fleet-test' });
    const account = { account_id: MEMBER_ACCOUNT, role_arn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/FleetReader`, external_id: 'ext-123' };
    const result = await checkAccountAccess(creds, account, 'eu-west-1');
    expect(result).toEqual({ ok: true, account: MEMBER_ACCOUNT, arn: `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/FleetReader/fleet-test` });
    const identity = await creds.forAccount(account, 'eu-west-1')();
    expect(identity.sessionToken).toBeTruthy();
    expect(identity.expiration).toBeInstanceOf(Date);
  });

  it('caches one provider per account and reuses the STS session', async () => {
    const creds = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: base });
    const account = { account_id: MEMBER_ACCOUNT, role_arn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/FleetReader` };
    const provider = creds.forAccount(account, 'us-east-1');
    expect(creds.forAccount(account, 'eu-west-1')).toBe(provider);
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(b.accessKeyId).toBe(a.accessKeyId);
    expect((await provider()).accessKeyId).toBe(a.accessKeyId);

    // Editing the role must not reuse the old session; invalidate() drops it explicitly.
    expect(creds.forAccount({ ...account, role_arn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/Other` }, 'us-east-1')).not.toBe(provider);
    creds.invalidate(MEMBER_ACCOUNT);
    const fresh = creds.forAccount(account, 'us-east-1');
    expect(fresh).not.toBe(provider);
    expect((await fresh()).accessKeyId).not.toBe(a.accessKeyId);
  });

  it('reports credentials that resolve to another account as a failure', async () => {
    const creds = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: base });
    const result = await checkAccountAccess(creds, { account_id: '222222222222' }, 'us-east-1');
    expect(result).toMatchObject({ ok: false, account: DEFAULT_ACCOUNT, code: 'ACCOUNT_MISMATCH' });
    expect(result.error).toContain('expected 222222222222');
  });

  it('returns the transport error when the endpoint is unreachable', async () => {
    const creds = new AccountCredentials({ endpoint: 'http://127.0.0.1:9', baseCredentials: base });
    const result = await checkAccountAccess(creds, { account_id: DEFAULT_ACCOUNT }, 'us-east-1');
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/ECONNREFUSED/);
  });
});

/**
 * Moto accepts ANY AssumeRole (any ARN, even malformed) unless IAM authorization is enforced, so this
 * suite runs its own moto with INITIAL_NO_AUTH_ACTION_COUNT: after the 3 setup calls, every request is
 * checked against IAM policies, and AssumeRole by a user allowed only GetCallerIdentity is denied with AWS's message.
 */
describe('checkAccountAccess when AWS refuses', () => {
  let moto: MotoServer;
  let restricted: AwsCredentialIdentity;
  beforeAll(async () => {
    const saved = process.env.INITIAL_NO_AUTH_ACTION_COUNT;
    process.env.INITIAL_NO_AUTH_ACTION_COUNT = '3'; // startMoto passes the test process's environment to moto_server
    try {
      moto = await startMoto();
    } finally {
      if (saved === undefined) delete process.env.INITIAL_NO_AUTH_ACTION_COUNT;
      else process.env.INITIAL_NO_AUTH_ACTION_COUNT = saved;
    }
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: staticCreds });
    await iam.send(new CreateUserCommand({ UserName: 'fleet' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'fleet' }))).AccessKey!;
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'fleet',
        PolicyName: 'identity-only',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] }),
      }),
    );
    iam.destroy();
    restricted = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('returns AccessDenied with AWS message when the role cannot be assumed', async () => {
    const creds = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: async () => restricted });
    const role = { account_id: MEMBER_ACCOUNT, role_arn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/FleetReader`, external_id: 'x' };
    const result = await checkAccountAccess(creds, role, 'us-east-1');
    expect(result.ok).toBe(false);
    expect(result.code).toBe('AccessDenied');
    expect(result.error).toContain(`User: arn:aws:iam::${DEFAULT_ACCOUNT}:user/fleet is not authorized to perform: sts:AssumeRole`);
    // The same identity without a role is fine: the failure is the role, not the credentials.
    expect(await checkAccountAccess(creds, { account_id: DEFAULT_ACCOUNT }, 'us-east-1')).toMatchObject({ ok: true, arn: `arn:aws:iam::${DEFAULT_ACCOUNT}:user/fleet` });
  });

  it('returns InvalidClientTokenId for unknown base credentials', async () => {
    const creds = new AccountCredentials({ endpoint: moto.endpoint, baseCredentials: async () => ({ accessKeyId: 'AKIANOTREAL', secretAccessKey: 'x' }) });
    const result = await checkAccountAccess(creds, { account_id: DEFAULT_ACCOUNT }, 'us-east-1');
    expect(result).toEqual({ ok: false, code: 'InvalidClientTokenId', error: 'The security token included in the request is invalid.' });
  });
});

describe('refreshingProvider', () => {
  const clock = { t: 1_000_000 };
  const now = () => clock.t;
  const minutes = (m: number) => m * 60_000;

  it('serves the cached identity until the refresh margin before expiry', async () => {
    let fetches = 0;
    const provider = refreshingProvider(
      async () => ({ ...staticCreds, accessKeyId: `key-${++fetches}`, expiration: new Date(clock.t + minutes(10)) }),
      { marginMs: minutes(5), now },
    );
    expect((await provider()).accessKeyId).toBe('key-1');
    clock.t += minutes(4);
    expect((await provider()).accessKeyId).toBe('key-1');
    clock.t += minutes(2); // now 4 minutes before expiry: inside the 5-minute margin
    expect((await provider()).accessKeyId).toBe('key-2');
    expect((await provider({ forceRefresh: true } as never)).accessKeyId).toBe('key-3');
  });

  it('shares one in-flight fetch and does not cache failures', async () => {
    let fetches = 0;
    const provider = refreshingProvider(
      async () => {
        fetches++;
        if (fetches === 1) throw new Error('throttled');
        return { ...staticCreds, accessKeyId: `key-${fetches}` };
      },
      { marginMs: minutes(5), now },
    );
    await expect(provider()).rejects.toThrow('throttled');
    const [a, b] = await Promise.all([provider(), provider()]);
    expect([a.accessKeyId, b.accessKeyId, fetches]).toEqual(['key-2', 'key-2', 2]);
    // No expiration (long-lived keys): never refetched.
    expect((await provider()).accessKeyId).toBe('key-2');
  });
});
