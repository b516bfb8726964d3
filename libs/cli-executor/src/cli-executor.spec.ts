import { MotoServer, startMoto } from '@app/testing';
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliCommandRefusedError, CliExecutor, CliExecutorOptions, SpawnFn } from './cli-executor';

const operator = { role: 'operator', allowMutations: true } as const;

describe('CliExecutor', () => {
  let moto: MotoServer;
  let base: CliExecutorOptions;

  beforeAll(async () => {
    moto = await startMoto();
    base = {
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      endpointUrl: moto.endpoint,
    };
  });
  afterAll(() => moto?.stop());

  /** Records what the executor hands to spawn, then really spawns it. */
  function recordingSpawn() {
    const calls: { command: string; args: readonly string[]; options: SpawnOptions }[] = [];
    const fn: SpawnFn = (command, args, options): ChildProcess => {
      calls.push({ command, args, options });
      return spawn(command, args, options);
    };
    return { calls, fn };
  }

  it('runs the real aws against moto: sts get-caller-identity returns the account id', async () => {
    const result = await new CliExecutor(base).run('aws sts get-caller-identity');
    expect(result).toMatchObject({ exit_code: 0, timed_out: false, truncated: false, service: 'sts', operation: 'get-caller-identity', mutating: false });
    expect(result.argv).toEqual(['--endpoint-url', moto.endpoint, '--output', 'json', 'sts', 'get-caller-identity']);
    expect(result.json).toMatchObject({ Account: '123456789012' });
    expect(result.output_bytes).toBe(Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr));
  });

  it('gives the child only a scratch environment: no parent variable, no profile, no config file', async () => {
    const planted: Record<string, string> = {
      FAKE_SECRET: 'parent-secret-value',
      AWS_PROFILE: 'leaked-profile', // would make the CLI fail ("profile not found") if it leaked
      AWS_ACCESS_KEY_ID: 'AKIALEAKEDPARENTKEY',
      AWS_CA_BUNDLE: '/nonexistent/ca.pem',
    };
    const saved = Object.fromEntries(Object.keys(planted).map((k) => [k, process.env[k]]));
    Object.assign(process.env, planted);
    try {
      const rec = recordingSpawn();
      const result = await new CliExecutor({ ...base, credentials: { ...base.credentials, sessionToken: 'tok' }, spawn: rec.fn }).run('sts get-caller-identity');
      expect(result.exit_code).toBe(0);
      expect(result.json).toMatchObject({ Account: '123456789012' });

      const [{ command, args, options }] = rec.calls;
      expect(command).toBe('aws');
      expect(args).toEqual(['--endpoint-url', moto.endpoint, '--output', 'json', 'sts', 'get-caller-identity']);
      expect(options.shell).toBe(false);
      const env = options.env as Record<string, string>;
      expect(Object.keys(env).sort()).toEqual(
        [
          'PATH',
          'HOME',
          'AWS_ACCESS_KEY_ID',
          'AWS_SECRET_ACCESS_KEY',
          'AWS_SESSION_TOKEN',
          'AWS_REGION',
          'AWS_DEFAULT_REGION',
          'AWS_ENDPOINT_URL',
          'AWS_CONFIG_FILE',
          'AWS_SHARED_CREDENTIALS_FILE',
          'AWS_PAGER',
          'MANPAGER',
          'AWS_EC2_METADATA_DISABLED',
        ].sort(),
      );
      expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: 'testing', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' });
      expect(JSON.stringify(env)).not.toContain('parent-secret-value');
      expect(env.HOME).not.toBe(process.env.HOME);
      expect(existsSync(env.HOME)).toBe(false); // the scratch HOME/cwd is removed after the run
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('ec2 describe-instances returns an instance created in moto', async () => {
    const executor = new CliExecutor(base);
    const created = await executor.run('ec2 run-instances --image-id ami-12c6146b --count 1 --instance-type t2.micro', { access: operator });
    expect(created).toMatchObject({ exit_code: 0, mutating: true });
    const instanceId = (created.json as { Instances: { InstanceId: string }[] }).Instances[0].InstanceId;

    const listed = await executor.run(`ec2 describe-instances --instance-ids ${instanceId}`);
    const ids = (listed.json as { Reservations: { Instances: { InstanceId: string }[] }[] }).Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId));
    expect(ids).toEqual([instanceId]);

    // The caller's own --output wins over the json default.
    const text = await executor.run(`ec2 describe-instances --instance-ids ${instanceId} --output text --query Reservations[].Instances[].InstanceId`);
    expect(text.argv).not.toContain('json');
    expect(text.argv.filter((a) => a === '--output')).toHaveLength(1);
    expect(text.stdout.trim()).toBe(instanceId);
    expect(text.json).toBeNull();
  });

  it('caps output in the result but keeps the whole of it fetchable until released', async () => {
    const executor = new CliExecutor({ ...base, maxOutputBytes: 256 });
    const created = await executor.run('ec2 run-instances --image-id ami-12c6146b --count 2 --instance-type t2.micro', { access: operator });
    await created.release();
    const result = await executor.run('ec2 describe-instances');
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(256);
    expect(result.json).toBeNull();
    const stdoutPath = result.full_output_paths?.stdout as string;
    expect(existsSync(stdoutPath)).toBe(true);

    const full = await result.fullOutput();
    expect(full.stdout.startsWith(result.stdout)).toBe(true);
    expect(result.output_bytes).toBe(Buffer.byteLength(full.stdout) + Buffer.byteLength(full.stderr));
    expect((JSON.parse(full.stdout) as { Reservations: unknown[] }).Reservations.length).toBeGreaterThan(0);
    expect(Object.keys(JSON.parse(JSON.stringify(result)))).not.toContain('fullOutput');

    await result.release();
    expect(existsSync(stdoutPath)).toBe(false);
  });

  describe('with a stand-in binary that ignores SIGTERM', () => {
    let dir: string;
    let stubborn: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cli-executor-spec-'));
      stubborn = join(dir, 'aws');
      await writeFile(stubborn, "#!/bin/sh\ntrap '' TERM\nsleep 30\n");
      await chmod(stubborn, 0o755);
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('times out: SIGTERM, then SIGKILL after the grace period', async () => {
      const result = await new CliExecutor({ ...base, awsBinary: stubborn, timeoutMs: 200, killGraceMs: 200 }).run('sts get-caller-identity');
      expect(result).toMatchObject({ timed_out: true, aborted: false, exit_code: null, signal: 'SIGKILL' });
    });

    it('stops the child when the caller aborts', async () => {
      const controller = new AbortController();
      const pending = new CliExecutor({ ...base, awsBinary: stubborn, killGraceMs: 100 }).run('sts get-caller-identity', { signal: controller.signal });
      controller.abort();
      await expect(pending).resolves.toMatchObject({ aborted: true, timed_out: false, exit_code: null });
    });
  });

  it('refuses before spawning anything, and is read-only unless the caller says otherwise', async () => {
    const rec = recordingSpawn();
    const executor = new CliExecutor({ ...base, spawn: rec.fn });
    await expect(executor.run('ec2 describe-instances; id')).rejects.toMatchObject({ code: 'CLI_SHELL_SYNTAX', status: 400 });
    await expect(executor.run('ec2 terminate-instances --instance-ids i-1')).rejects.toBeInstanceOf(CliCommandRefusedError);
    await expect(executor.run('ec2 terminate-instances --instance-ids i-1')).rejects.toMatchObject({ code: 'CLI_MUTATION_FORBIDDEN', status: 403 });
    await expect(executor.run('ec2 describe-instances --endpoint-url=http://evil')).rejects.toMatchObject({ code: 'CLI_OPTION_FORBIDDEN' });
    expect(rec.calls).toHaveLength(0);
  });

  it('reaches moto for sqs and does not make the CLI fetch allowlisted URL values (sqs --queue-url)', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await new CliExecutor(base).run(`sqs list-queue-tags --queue-url http://127.0.0.1:${port}/123456789012/q`);
      // The request reached moto (CLI v1 pins sqs to queue.amazonaws.com unless --endpoint-url is passed)
      // with the URL as a plain parameter, and nothing fetched it.
      expect(result.stderr).toContain('NonExistentQueue');
      expect(hits).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('renders help as plain text', async () => {
    const result = await new CliExecutor(base).run('sts help');
    expect(result.argv).toEqual(['--endpoint-url', moto.endpoint, 'sts', 'help']);
    expect(result.exit_code).toBe(0);
    expect(result.stdout).toContain('get-caller-identity');
    expect(result.stdout).not.toContain('\b');
  });

  it('fails clearly when the CLI binary is missing', async () => {
    await expect(new CliExecutor({ ...base, awsBinary: '/nonexistent/aws' }).run('sts get-caller-identity')).rejects.toThrow(/Could not start the AWS CLI/);
  });

  it('rejects bad configuration up front', () => {
    expect(() => new CliExecutor({ ...base, region: 'us-east-1; rm' })).toThrow(/invalid region/);
    expect(() => new CliExecutor({ ...base, credentials: { accessKeyId: '', secretAccessKey: 'x' } })).toThrow(/accessKeyId/);
    expect(() => new CliExecutor({ ...base, endpointUrl: 'file:///etc' })).toThrow(/http/);
  });
});
