import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Connector } from '../connectors';
import { ConnectorContextFactory } from '../integrations/connector-context.factory';
import { IntegrationEntity } from '../integrations/integration.entity';

/**
 * One connector per integration (decrypted secrets stay inside it), rebuilt when the integration changes:
 * a cached connector is used only while the row's `updated_at` is the one it was built from.
 */
@Injectable()
export class ConnectorCache {
  private readonly logger = new Logger(ConnectorCache.name);
  private readonly cache = new Map<string, { connector: Promise<Connector>; updatedAt: number; timeoutMs: number }>();

  constructor(
    private readonly factory: ConnectorContextFactory,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  get(id: string, updatedAt: number): Promise<Connector> {
    const hit = this.cache.get(id);
    if (hit && hit.updatedAt === updatedAt) return hit.connector;
    if (hit) this.retire(id);
    const connector = (async () => {
      const row = await this.ds.getRepository(IntegrationEntity).findOneBy({ id });
      if (!row) throw new Error('the integration no longer exists');
      const c = this.factory.create(row);
      try {
        await c.initialize();
      } catch (e) {
        // a half-initialized connector may hold a channel, a pool or a socket: it is never handed out, so close it
        await c.close().catch(() => undefined);
        throw e;
      }
      return c;
    })();
    const entry = { connector, updatedAt, timeoutMs: 60_000 };
    // forget a failed build (the next send tries again), but not a newer entry that replaced it meanwhile
    connector.catch(() => this.cache.get(id) === entry && this.cache.delete(id));
    this.cache.set(id, entry);
    return connector;
  }

  /** Drops an integration's connector; closed after a grace period so that sends in flight finish. */
  retire(id: string): void {
    const hit = this.cache.get(id);
    if (!hit) return;
    this.cache.delete(id);
    setTimeout(() => void hit.connector.then((c) => c.close()).catch(() => undefined), hit.timeoutMs).unref();
  }

  async closeAll(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(all.map((h) => h.connector.then((c) => c.close()).catch((e: Error) => this.logger.debug(`close: ${e.message}`))));
  }
}
