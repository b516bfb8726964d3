import { chmod, link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Direction } from '@app/contracts';
import { waitFor } from '../../../../../../test/support/ports';
import { testContext, testMessage } from '../../../../../../test/support/connector-context';
import { InboundMessage } from '../../connector.port';
import { parseCsv } from './csv';
import { FileConnector, filePlugin } from './file.connector';

describe('FILE connector (real file system)', () => {
  let root: string;
  let dataDir: string;
  let outside: string;
  const open: FileConnector[] = [];
  const make = (connection: Record<string, unknown>, direction = Direction.OUTBOUND) => {
    const c = filePlugin.create(testContext({ type: 'FILE', connection, dataDir, direction })) as FileConnector;
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'file-conn-'));
    dataDir = join(root, 'data');
    outside = join(root, 'outside');
    await mkdir(dataDir);
    await mkdir(outside);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await chmod(join(dataDir, 'ro'), 0o755).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  describe('validateConnection', () => {
    it.each([
      ['../../etc/passwd', "must not contain '..'"],
      ['a/../../b.jsonl', "must not contain '..'"],
      ['/etc/passwd', 'must be relative to the data directory'],
      ['out/', 'must name a file'],
    ])('refuses path %s', (path, message) => {
      expect(filePlugin.validateConnection({ path })).toEqual([{ field: 'path', message }]);
    });

    it('refuses a bad format, rotation and inbox, and accepts a good config', () => {
      const fields = filePlugin.validateConnection({ path: 'x.csv', format: 'xml', rotate: 'hourly', rotate_bytes: 10, inbox_dir: '../in' }).map((e) => e.field);
      expect(fields.sort()).toEqual(['format', 'inbox_dir', 'rotate', 'rotate_bytes']);
      expect(filePlugin.validateConnection({ path: 'out/events.jsonl', rotate: 'daily', rotate_bytes: 4096, inbox_dir: 'in' })).toEqual([]);
      expect(filePlugin.validateConnection({})).toEqual([{ field: 'path', message: expect.stringContaining('required') }]);
      // With the direction known, each side's folder is required.
      expect(filePlugin.validateConnection({ path: 'x.jsonl' }, Direction.BIDIRECTIONAL)).toEqual([{ field: 'inbox_dir', message: expect.stringContaining('required') }]);
      expect(filePlugin.validateConnection({ inbox_dir: 'in' }, Direction.OUTBOUND)).toEqual([{ field: 'path', message: expect.stringContaining('required') }]);
      expect(filePlugin.validateConnection({ inbox_dir: 'in' }, Direction.INBOUND)).toEqual([]);
    });
  });

  it('appends JSON Lines with the delivery id', async () => {
    const c = make({ path: 'out/events.jsonl' });
    await c.initialize();
    const m1 = testMessage({ n: 1 });
    const m2 = testMessage({ n: 2 });
    expect((await c.send(m1)).ok).toBe(true);
    expect((await c.send(m2)).ok).toBe(true);
    const lines = (await readFile(join(dataDir, 'out/events.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ id: m1.event.id, deliveryid: m1.deliveryId, data: { n: 1 } }),
      expect.objectContaining({ id: m2.event.id, deliveryid: m2.deliveryId, data: { n: 2 } }),
    ]);
  });

  it('writes CSV with one header and quoted fields', async () => {
    const c = make({ path: 'csv/events.csv', format: 'csv' });
    const m = testMessage({ note: 'a, "quoted"\nvalue' });
    await Promise.all([c.send(m), c.send(testMessage())]);
    const records = parseCsv(await readFile(join(dataDir, 'csv/events.csv'), 'utf8'));
    expect(records.map((r) => r.fields[0])).toEqual(['id', m.event.id, expect.any(String)]);
    expect(JSON.parse(records[1].fields[6])).toEqual({ note: 'a, "quoted"\nvalue' });
    expect(records[1].fields[5]).toBe(m.deliveryId);
  });

  it('rotates by size: full files get a suffix, nothing is lost', async () => {
    const c = make({ path: 'rot/events.jsonl', rotate_bytes: 1024 });
    const sent = [];
    for (let i = 0; i < 12; i++) {
      const m = testMessage({ i, pad: 'x'.repeat(200) });
      sent.push(m.deliveryId);
      expect((await c.send(m)).ok).toBe(true);
    }
    const files = (await readdir(join(dataDir, 'rot'))).sort();
    expect(files.length).toBeGreaterThan(1);
    expect(files).toContain('events.jsonl');
    expect(files.filter((f) => f !== 'events.jsonl').every((f) => /^events\.\d{8}T\d{6}Z(-\d+)?\.jsonl$/.test(f))).toBe(true);
    const ids: string[] = [];
    for (const f of files) {
      const text = await readFile(join(dataDir, 'rot', f), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
      ids.push(...text.trim().split('\n').map((l) => JSON.parse(l).deliveryid as string));
    }
    expect(ids.sort()).toEqual([...sent].sort());
  });

  it('rotates daily: the file name carries the UTC date', async () => {
    const c = make({ path: 'daily/events.jsonl', rotate: 'daily' });
    const before = new Date().toISOString().slice(0, 10);
    expect((await c.send(testMessage())).ok).toBe(true);
    const after = new Date().toISOString().slice(0, 10);
    const files = await readdir(join(dataDir, 'daily'));
    expect(files).toHaveLength(1);
    expect([`events.${before}.jsonl`, `events.${after}.jsonl`]).toContain(files[0]);
  });

  describe('confinement at initialize', () => {
    it('refuses a folder that is a symlink leading outside the data dir', async () => {
      await symlink(outside, join(dataDir, 'escape'));
      const c = make({ path: 'escape/stolen.jsonl' });
      await expect(c.initialize()).rejects.toThrow(/leaves the data directory/);
      const r = await c.send(testMessage());
      expect(r).toMatchObject({ ok: false, retryable: false });
      expect(await readdir(outside)).toEqual([]);
    });

    it('refuses a target file that is a symlink', async () => {
      await writeFile(join(outside, 'passwd'), 'root:x:0:0\n');
      await symlink(join(outside, 'passwd'), join(dataDir, 'passwd.jsonl'));
      const c = make({ path: 'passwd.jsonl' });
      await expect(c.initialize()).rejects.toThrow(/symlink/);
      expect(await readFile(join(outside, 'passwd'), 'utf8')).toBe('root:x:0:0\n');
    });

    it('refuses an inbox that is a symlink leading outside', async () => {
      await symlink(outside, join(dataDir, 'inbox-link'));
      const c = make({ inbox_dir: 'inbox-link' }, Direction.INBOUND);
      await expect(c.initialize()).rejects.toThrow(/leaves the data directory/);
    });
  });

  it('reads dropped files line by line, then moves them to processed/', async () => {
    const c = make({ inbox_dir: 'inbox', poll_interval_seconds: 0.1 }, Direction.INBOUND);
    const got: InboundMessage[] = [];
    await c.startListening(async (m) => {
      got.push(m);
    });
    await writeFile(join(dataDir, 'inbox/a.jsonl'), '{"n":1}\n\n{"n":2}\n');
    await writeFile(join(dataDir, 'inbox/b.csv'), 'name,qty\n"x, y",3\n');
    await waitFor(async () => (await readdir(join(dataDir, 'inbox/processed'))).length === 2, 5000, 50, 'files processed');
    await c.stopListening();
    expect(got.map((m) => [m.id, m.data])).toEqual([
      ['a.jsonl:1', { n: 1 }],
      ['a.jsonl:3', { n: 2 }],
      ['b.csv:2', { name: 'x, y', qty: '3' }],
    ]);
    expect((await readdir(join(dataDir, 'inbox'))).sort()).toEqual(['processed']);
  });

  it('moves an oversized inbox file to rejected/ without reading it', async () => {
    const c = make({ inbox_dir: 'inbox3', poll_interval_seconds: 0.1, max_file_bytes: 1024 }, Direction.INBOUND);
    await c.initialize();
    await writeFile(join(dataDir, 'inbox3/big.jsonl'), `${JSON.stringify({ pad: 'x'.repeat(2000) })}\n`);
    await writeFile(join(dataDir, 'inbox3/small.jsonl'), '{"ok":true}\n');
    const seen: string[] = [];
    await c.startListening(async (m) => {
      seen.push(m.id);
    });
    await waitFor(async () => (await readdir(join(dataDir, 'inbox3/processed'))).includes('small.jsonl'), 5000, 50, 'small file processed');
    await c.stopListening();
    expect(seen).toEqual(['small.jsonl:1']);
    expect(await readdir(join(dataDir, 'inbox3/rejected'))).toEqual(['big.jsonl']);
  });

  it('keeps a file whose handler failed and offers it again', async () => {
    const c = make({ inbox_dir: 'inbox2', poll_interval_seconds: 0.1 }, Direction.INBOUND);
    await c.initialize();
    await writeFile(join(dataDir, 'inbox2/a.jsonl'), '{"n":1}\n');
    const seen: string[] = [];
    await c.startListening(async (m) => {
      seen.push(m.id);
      if (seen.length === 1) throw new Error('receiver busy');
    });
    await waitFor(async () => (await readdir(join(dataDir, 'inbox2/processed'))).includes('a.jsonl'), 5000, 50, 'file processed');
    await c.stopListening();
    expect(seen).toEqual(['a.jsonl:1', 'a.jsonl:1']);
  });

  it('health: writable folder is healthy; read-only is not, and sends then fail as retryable', async () => {
    const ok = make({ path: 'ro/events.jsonl' });
    expect(await ok.healthCheck()).toMatchObject({ healthy: true });
    if (process.getuid?.() === 0) {
      // root ignores permission bits: make the folder unusable by turning it into a file instead.
      await rm(join(dataDir, 'ro'), { recursive: true });
      await writeFile(join(dataDir, 'ro'), 'not a folder');
    } else {
      await chmod(join(dataDir, 'ro'), 0o555);
    }
    const bad = make({ path: 'ro/events.jsonl' });
    const h = await bad.healthCheck();
    expect(h.healthy).toBe(false);
    expect(h.error).toMatch(/not writable/);
    const r = await bad.send(testMessage());
    expect(r).toMatchObject({ ok: false, retryable: true });
    expect(r.error).toBeTruthy();
    // what a user sees names the path under the data directory, never where it lives on the server
    for (const message of [h.error, r.error]) expect({ message, leaks: message!.includes(root) }).toEqual({ message, leaks: false });
    expect(r.error).toContain('ro/events.jsonl');
  });

  it('names files relative to the data directory in its refusals', async () => {
    await writeFile(join(outside, 'secret.txt'), 'x');
    await symlink(join(outside, 'secret.txt'), join(dataDir, 'shown.jsonl'));
    const e = await make({ path: 'shown.jsonl' }).initialize().then(() => null, (err: Error) => err);
    expect(e?.message).toBe('refusing to follow a symlink: shown.jsonl');
  });

  describe('hard links', () => {
    it('refuses an inbox file with another name (a hard link to a file elsewhere) and moves it to rejected/ unread', async () => {
      await writeFile(join(outside, 'shadow'), '{"stolen":true}\n');
      const c = make({ inbox_dir: 'inbox-hl', poll_interval_seconds: 0.1 }, Direction.INBOUND);
      await c.initialize();
      await link(join(outside, 'shadow'), join(dataDir, 'inbox-hl/planted.jsonl'));
      await writeFile(join(dataDir, 'inbox-hl/ok.jsonl'), '{"ok":true}\n');
      const seen: unknown[] = [];
      await c.startListening(async (m) => {
        seen.push(m.data);
      });
      await waitFor(async () => (await readdir(join(dataDir, 'inbox-hl/processed'))).includes('ok.jsonl'), 5000, 50, 'the plain file processed');
      await waitFor(async () => (await readdir(join(dataDir, 'inbox-hl/rejected')).catch((): string[] => [])).includes('planted.jsonl'), 5000, 50, 'the hard link rejected');
      await c.stopListening();
      expect(seen).toEqual([{ ok: true }]);
      expect(await readFile(join(outside, 'shadow'), 'utf8')).toBe('{"stolen":true}\n');
    });

    it('refuses to append to an output file that is a hard link', async () => {
      await writeFile(join(outside, 'target'), 'original\n');
      await mkdir(join(dataDir, 'out-hl'));
      await link(join(outside, 'target'), join(dataDir, 'out-hl/events.jsonl'));
      const r = await make({ path: 'out-hl/events.jsonl' }).send(testMessage());
      expect(r).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('hard link') });
      expect(await readFile(join(outside, 'target'), 'utf8')).toBe('original\n');
    });
  });
});
