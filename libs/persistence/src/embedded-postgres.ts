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
