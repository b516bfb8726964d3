import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export interface EmbeddedPostgres {
  /** postgres:// URL of the local socket server, for TypeORM's pg driver. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Standalone mode's database: PGlite (Postgres compiled to WASM) on disk under `dir`, served on a loopback
 * port through pglite-socket so the same pg driver, entities and migrations work unchanged.
 * PGlite is one session behind a query queue: keep pools small and avoid long transactions.
 */
export async function startEmbeddedPostgres(dir: string, maxConnections = 16): Promise<EmbeddedPostgres> {
  const dataDir = resolve(dir);
  mkdirSync(dataDir, { recursive: true });
  // Both packages are ESM-first; load them lazily so distributed mode never pays for the WASM.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(dataDir);
  } catch (e) {
    throw new Error(`Cannot open the embedded database in ${dataDir}: ${(e as Error).message}. Is another standalone instance using this data directory?`);
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  keepExtendedQueriesWhole(server as unknown as { queryQueue: QueryQueue }, db);
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:PORT"
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async stop() {
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(n: number): void;
  reject(e: unknown): void;
  onData(d: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
}

/** Extended-protocol messages that leave a statement or portal half-done until the client's Sync. */
const MID_SEQUENCE = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * pglite-socket 0.2 queues each protocol message on its own, so two connections' Parse/Bind/Execute/Sync
 * sequences can interleave inside PGlite's one session: one client's unnamed statement is replaced by the
 * other's and a query returns another query's rows (or none). This keeps serving the same connection from its
 * Parse to its Sync, the way the library already does inside a transaction.
 */
function keepExtendedQueriesWhole(server: { queryQueue: QueryQueue }, db: { isInTransaction(): boolean; runExclusive<T>(fn: () => Promise<T>): Promise<T>; execProtocolRawStream(m: Uint8Array, o: { onRawData(d: Uint8Array): void }): Promise<unknown> }): void {
  const q = server.queryQueue;
  if (!q || typeof q.processQueue !== 'function' || !Array.isArray(q.queue)) return;
  let midSequence = false;
  q.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let item: QueuedMessage | undefined;
        if ((midSequence || db.isInTransaction()) && this.lastHandlerId !== null) {
          const at = this.queue.findIndex((m) => m.handlerId === this.lastHandlerId);
          if (at === -1) {
            // Wait for the rest of that connection's sequence (it is already on its way); a connection that went
            // away mid-sequence must not hold everyone else, so give up waiting after a second.
            const waitingFor = this.lastHandlerId;
            setTimeout(() => {
              if (this.lastHandlerId === waitingFor && !this.processing && this.queue.length) {
                midSequence = false;
                void this.processQueue();
              }
            }, 1000).unref();
            break;
          }
          item = this.queue.splice(at, 1)[0];
        } else item = this.queue.shift();
        if (!item) break;
        const current = item;
        let bytes = 0;
        try {
          await db.runExclusive(() => db.execProtocolRawStream(current.message, { onRawData: (d) => ((bytes += d.length), current.onData(d)) }));
        } catch (e) {
          midSequence = false;
          current.reject(e);
          continue;
        }
        midSequence = MID_SEQUENCE.has(current.message[0]);
        this.lastHandlerId = current.handlerId;
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}
