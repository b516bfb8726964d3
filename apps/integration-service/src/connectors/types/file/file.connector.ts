import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { Connector, ConnectorContext, ConnectorError, ConnectorPlugin, HealthResult, InboundHandler, OutboundMessage, SendResult } from '../../connector.port';
import { csvRow, parseCsv } from './csv';
import { APPEND_FLAGS, assertNotSymlink, assertPlainFile, confinedDir, READ_FLAGS, relativePathProblem, withoutServerPaths } from './file-paths';
import { abortableSleep } from '../listener-loop';
import { FILE_FIELDS } from '../../connection-fields';
import { receivesIn, sendsOut } from '../../connection-validator';

export type FileFormat = 'jsonl' | 'csv';

export interface FileConnection {
  /** Output file, relative to the data dir. */
  path?: string;
  format: FileFormat;
  /** Start a new file when the current one would grow beyond this many bytes. */
  rotate_bytes?: number;
  /** `daily`: the file name gets the UTC date as a suffix (`events.2026-11-25.jsonl`). */
  rotate?: 'daily';
  /** Folder watched for incoming files (INBOUND), relative to the data dir. */
  inbox_dir?: string;
  poll_interval_seconds: number;
  /** Inbox files above this size are moved to rejected/ unread (they are read whole into memory). */
  max_file_bytes: number;
}

const CSV_COLUMNS = ['id', 'type', 'source', 'time', 'subject', 'delivery_id', 'data'] as const;
const PROCESSED_DIR = 'processed';
const REJECTED_DIR = 'rejected';
const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;


function parseFileConnection(c: Record<string, unknown>, direction?: Direction): { value: FileConnection; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const checkPath = (key: 'path' | 'inbox_dir'): string | undefined => {
    const v = c[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      errors.push({ field: key, message: 'must be a string' });
      return undefined;
    }
    const problem = relativePathProblem(v) ?? (key === 'path' && /[\\/]$/.test(v) ? 'must name a file' : null);
    if (problem) errors.push({ field: key, message: problem });
    return v;
  };
  const path = checkPath('path');
  const inbox = checkPath('inbox_dir');
  if (direction === undefined) {
    if (path === undefined && inbox === undefined) errors.push({ field: 'path', message: 'path (outbound) or inbox_dir (inbound) is required' });
  } else {
    if (sendsOut(direction) && path === undefined && !errors.some((e) => e.field === 'path')) errors.push({ field: 'path', message: 'is required to write events' });
    if (receivesIn(direction) && inbox === undefined && !errors.some((e) => e.field === 'inbox_dir')) errors.push({ field: 'inbox_dir', message: 'is required to receive files' });
  }
  const format = c.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') errors.push({ field: 'format', message: "must be 'jsonl' or 'csv'" });
  const rotateBytes = c.rotate_bytes;
  if (rotateBytes !== undefined && !(Number.isInteger(rotateBytes) && (rotateBytes as number) >= 1024)) {
    errors.push({ field: 'rotate_bytes', message: 'must be an integer ≥ 1024' });
  }
  if (c.rotate !== undefined && c.rotate !== 'daily') errors.push({ field: 'rotate', message: "must be 'daily'" });
  const poll = c.poll_interval_seconds ?? 5;
  if (typeof poll !== 'number' || !(poll >= 0.1 && poll <= 3600)) {
    errors.push({ field: 'poll_interval_seconds', message: 'must be a number between 0.1 and 3600' });
  }
  const maxBytes = c.max_file_bytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!(Number.isInteger(maxBytes) && (maxBytes as number) >= 1 && (maxBytes as number) <= 1024 * 1024 * 1024)) {
    errors.push({ field: 'max_file_bytes', message: 'must be an integer between 1 and 1 GiB' });
  }
  return {
    value: {
      path,
      format: format as FileFormat,
      rotate_bytes: rotateBytes as number | undefined,
      rotate: c.rotate as 'daily' | undefined,
      inbox_dir: inbox,
      poll_interval_seconds: poll as number,
      max_file_bytes: maxBytes as number,
    },
    errors,
  };
}

/** `a/events.jsonl` + `2026-11-25` → `a/events.2026-11-25.jsonl`. */
function withSuffix(file: string, suffix: string): string {
  const ext = extname(file);
  return join(dirname(file), `${basename(file, ext)}.${suffix}${ext}`);
}


export class FileConnector implements Connector {
  private readonly cfg: FileConnection;
  private outDir?: string;
  private inboxDir?: string;
  /** The data directory's real path, hidden from messages like the configured one. */
  private realRoot?: string;
  /** Writes are chained so that size accounting and rotation see one writer. */
  private writeChain: Promise<unknown> = Promise.resolve();
  private poller?: { abort: AbortController; done: Promise<void> };

  constructor(private readonly ctx: ConnectorContext) {
    const { value, errors } = parseFileConnection(ctx.connection, ctx.direction);
    ConnectorError.throwIfInvalid(errors);
    this.cfg = value;
  }

  async initialize(): Promise<void> {
    try {
      if (this.cfg.path !== undefined) {
        const { root, dir } = await confinedDir(this.ctx.dataDir, dirname(this.cfg.path));
        this.realRoot = root;
        this.outDir = dir;
        await assertNotSymlink(this.currentFile());
      }
      if (this.cfg.inbox_dir !== undefined) {
        const { root, dir } = await confinedDir(this.ctx.dataDir, this.cfg.inbox_dir);
        this.realRoot = root;
        this.inboxDir = dir;
        await confinedDir(this.ctx.dataDir, join(this.cfg.inbox_dir, PROCESSED_DIR));
      }
    } catch (e) {
      throw this.hidePaths(e);
    }
  }

  /** The error with server paths made relative to the data directory (its message reaches API users). */
  private hidePaths<E>(e: E): E {
    // not `instanceof Error`: fs errors may come from another realm (jest's sandbox)
    const err = e as unknown as { message?: unknown };
    if (typeof e === 'object' && e !== null && typeof err.message === 'string') err.message = withoutServerPaths(err.message, [this.realRoot, this.ctx.dataDir]);
    return e;
  }

  /** The file written now: the configured name, with the UTC date when rotating daily. */
  private currentFile(now = new Date()): string {
    const file = join(this.outDir as string, basename(this.cfg.path as string));
    return this.cfg.rotate === 'daily' ? withSuffix(file, now.toISOString().slice(0, 10)) : file;
  }

  private record(message: OutboundMessage, fileIsNew: boolean): string {
    const e = message.event;
    if (this.cfg.format === 'jsonl') return JSON.stringify({ ...e, deliveryid: message.deliveryId }) + '\n';
    const row = csvRow([e.id, e.type, e.source, e.time, e.subject ?? '', message.deliveryId, JSON.stringify(e.data ?? null)]);
    return fileIsNew ? csvRow([...CSV_COLUMNS]) + row : row;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const started = Date.now();
    const run = this.writeChain.then(() => this.append(message));
    this.writeChain = run.catch(() => undefined);
    try {
      await run;
      return { ok: true, retryable: false, durationMs: Date.now() - started };
    } catch (e) {
      // Confinement problems are configuration errors; disk errors (ENOSPC, EACCES, EIO) may pass.
      const retryable = !(e instanceof ConnectorError);
      return { ok: false, retryable, error: this.hidePaths(e as Error).message, durationMs: Date.now() - started };
    }
  }

  private async append(message: OutboundMessage): Promise<void> {
    if (!this.outDir) await this.initialize();
    if (!this.outDir) throw new ConnectorError('this integration has no output path');
    let file = this.currentFile();
    await assertNotSymlink(file);
    let size = await stat(file).then((s) => s.size, () => 0);
    let data = this.record(message, size === 0);
    if (this.cfg.rotate_bytes && size > 0 && size + Buffer.byteLength(data) > this.cfg.rotate_bytes) {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      let target = withSuffix(file, stamp);
      for (let n = 1; await stat(target).then(() => true, () => false); n++) target = withSuffix(file, `${stamp}-${n}`);
      await rename(file, target);
      file = this.currentFile();
      size = 0;
      data = this.record(message, true);
    }
    const fh = await open(file, APPEND_FLAGS, 0o640);
    try {
      assertPlainFile(await fh.stat(), file);
      await fh.write(data);
    } finally {
      await fh.close();
    }
  }

  async healthCheck(): Promise<HealthResult> {
    const started = Date.now();
    try {
      await this.initialize();
      for (const dir of [this.outDir, this.inboxDir]) {
        if (!dir) continue;
        const probe = join(dir, `.health-${randomBytes(6).toString('hex')}`);
        await writeFile(probe, 'ok', { flag: 'wx' });
        await unlink(probe);
      }
      return { healthy: true, latencyMs: Date.now() - started };
    } catch (e) {
      return { healthy: false, latencyMs: Date.now() - started, error: `not writable: ${this.hidePaths(e as Error).message}` };
    }
  }

  async startListening(handler: InboundHandler): Promise<void> {
    if (this.poller) return;
    if (this.cfg.inbox_dir === undefined) throw new ConnectorError('inbox_dir is required to receive files');
    await this.initialize();
    const abort = new AbortController();
    const loop = async () => {
      while (!abort.signal.aborted) {
        await this.pollOnce(handler, abort.signal).catch((e: Error) =>
          this.ctx.logger.warn('file inbox poll failed', { integrationId: this.ctx.integrationId, error: this.hidePaths(e).message }),
        );
        await abortableSleep(this.cfg.poll_interval_seconds * 1000, abort.signal);
      }
    };
    this.poller = { abort, done: loop() };
  }

  /** Hands every record of every new file to the handler; a file moves to processed/ only when all its records were handled. */
  private async pollOnce(handler: InboundHandler, signal: AbortSignal): Promise<void> {
    const dir = this.inboxDir as string;
    const entries = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.')) // skips symlinks, folders and hidden partial uploads
      .map((d) => d.name)
      .sort();
    for (const name of entries) {
      if (signal.aborted) return;
      const file = join(dir, name);
      let text: string;
      // Checked on the open handle: a symlink, a hard link (another name for a file maybe outside the data
      // directory) or anything but a regular file is not read, and no swap after the check gets through.
      const fh = await open(file, READ_FLAGS).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ELOOP') return null; // a symlink
        throw e;
      });
      try {
        const st = await fh?.stat();
        try {
          if (!fh || !st) throw new ConnectorError(`refusing to follow a symlink: ${name}`);
          assertPlainFile(st, name);
        } catch (e) {
          this.ctx.logger.warn('inbox file refused, moved to rejected/', { file: name, reason: (e as Error).message });
          await fh?.close();
          await this.moveTo(dir, REJECTED_DIR, name);
          continue;
        }
        if (st.size > this.cfg.max_file_bytes) {
          this.ctx.logger.warn('inbox file too large, moved to rejected/', { file: name, size: st.size, max: this.cfg.max_file_bytes });
          await fh.close();
          await this.moveTo(dir, REJECTED_DIR, name);
          continue;
        }
        text = await fh.readFile('utf8');
      } finally {
        await fh?.close().catch(() => undefined);
      }
      const csv = this.cfg.format === 'csv' || extname(name).toLowerCase() === '.csv';
      let complete = true;
      for (const rec of csv ? this.csvRecords(text) : this.jsonlRecords(text, name)) {
        try {
          await handler({ id: `${name}:${rec.line}`, data: rec.data, attributes: { file: name, line: String(rec.line) } });
        } catch (e) {
          // Leave the file in the inbox: the next poll offers it again and the receiver drops what it already has.
          this.ctx.logger.warn('inbound handler failed, file kept for retry', { file: name, line: rec.line, error: (e as Error).message });
          complete = false;
          break;
        }
      }
      if (complete) await this.moveTo(dir, PROCESSED_DIR, name);
    }
  }

  private async moveTo(dir: string, sub: string, name: string): Promise<void> {
    await mkdir(join(dir, sub), { recursive: true });
    let target = join(dir, sub, name);
    if (await stat(target).then(() => true, () => false)) target = `${target}.${Date.now()}`;
    await rename(join(dir, name), target);
  }

  private jsonlRecords(text: string, name: string): { line: number; data: unknown }[] {
    const out: { line: number; data: unknown }[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      try {
        out.push({ line: i + 1, data: JSON.parse(line) });
      } catch {
        this.ctx.logger.warn('skipping a line that is not JSON', { file: name, line: i + 1 });
      }
    });
    return out;
  }

  private csvRecords(text: string): { line: number; data: unknown }[] {
    const [header, ...rows] = parseCsv(text);
    if (!header) return [];
    return rows.map((r) => ({ line: r.line, data: Object.fromEntries(header.fields.map((h, i) => [h, r.fields[i] ?? ''])) }));
  }

  async stopListening(): Promise<void> {
    const p = this.poller;
    this.poller = undefined;
    if (!p) return;
    p.abort.abort();
    await p.done;
  }

  async close(): Promise<void> {
    await this.stopListening();
    await this.writeChain;
  }
}

export const filePlugin: ConnectorPlugin = {
  type: IntegrationType.FILE,
  directions: [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL],
  authTypes: [AuthType.NONE],
  inboundConcurrency: 'one-replica', // an inbox poller
  description: 'Writes events as JSON Lines or CSV under the data directory (with rotation) and reads files dropped into an inbox folder.',
  connectionFields: FILE_FIELDS,
  validateConnection: (connection, direction?: Direction) => parseFileConnection(connection, direction).errors,
  create: (context) => new FileConnector(context),
};
