import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppException, Direction, EventSubjects, IntegrationStatus, IntegrationType } from '@app/contracts';
import { Closeable, MESSAGE_BUS, MessageBus } from '@app/messaging';
import { runAsNewWork } from '@app/observability';
import { BackgroundLoop, RUNTIME_INFO, RuntimeInfo } from '@app/platform';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Connector, ConnectorRegistry, InboundMessage, isInboundReceiver } from '../connectors';
import { ConnectorContextFactory } from '../integrations/connector-context.factory';
import { IntegrationEntity } from '../integrations/integration.entity';
import { INTEGRATION_REPOSITORY, IntegrationRepository } from '../integrations/integration.repository';
import { InboundPublisher, InboundSource } from './inbound-publisher';
import { INBOUND_REPOSITORY, InboundRepository } from './inbound.repository';

/** Options of the runtime (tests shorten them). */
export interface InboundRuntimeOptions {
  /** How often leases are renewed and the listeners reconciled with the registry (events can be missed: D10); ×3 for a single instance (no lease contention). */
  tickMs: number;
  /** A poller's lease lives this long without renewal; another replica takes over after it. */
  leaseSeconds: number;
  /** A listener that failed to start is retried after this long. */
  retryMs: number;
}

export const INBOUND_RUNTIME_OPTIONS = Symbol('INBOUND_RUNTIME_OPTIONS');
export const DEFAULT_INBOUND_RUNTIME_OPTIONS: InboundRuntimeOptions = { tickMs: 5000, leaseSeconds: 30, retryMs: 30000 };

interface Listener {
  connector: Connector;
  source: InboundSource;
  /** The settings it was started with: a change restarts it. */
  version: string;
  leased: boolean;
}

const RECEIVING = new Set<string>([Direction.INBOUND, Direction.BIDIRECTIONAL]);

function shouldListen(row: IntegrationEntity | null): row is IntegrationEntity {
  return !!row && row.enabled && row.status === IntegrationStatus.ACTIVE && RECEIVING.has(row.direction);
}

/** What a listener depends on: a change to any of these restarts it; a status flip alone does not. */
function versionOf(row: IntegrationEntity): string {
  return createHash('sha256')
    .update(JSON.stringify([row.type, row.direction, row.timeout_seconds, row.connection, row.auth, row.secrets ?? '']))
    .digest('base64');
}

/**
 * Keeps one long-lived listening connector per ACTIVE inbound integration (INBOUND, BIDIRECTIONAL) in this process.
 *
 * - Started at boot for every one of them; restarted when its settings change, stopped when it leaves ACTIVE
 *   (disabled, deprecated, ERROR, under test) or is deleted. It follows the registry's own events
 *   (`integration.updated`, `integration.status.changed`, `integration.deleted`) on the bus, so every replica hears
 *   every change, and reconciles with the database every few seconds for anything it missed.
 * - Replicas: push and queue sources (WEBHOOK, SQS, NATS queue group, JetStream durable) listen on every replica; the
 *   source gives each message to one of them. Pollers (REST poll, DATABASE cursor, FILE inbox, plugins that do not
 *   say otherwise) run on the one replica holding the integration's PostgreSQL lease, renewed every tick; when that
 *   replica stops or dies, another takes the lease over after it expires.
 * - Each message is published by InboundPublisher; the handler resolves only after the bus acked, so the connector
 *   acknowledges/deletes at the source only then.
 * - Shutdown: stopListening on every connector (their loops finish the message in hand), then close, then release
 *   the leases so that another replica takes over at once.
 */
@Injectable()
export class InboundRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InboundRuntime');
  private readonly listeners = new Map<string, Listener>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly failedAt = new Map<string, { version: string; at: number }>();
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly subscriptions: Closeable[] = [];
  private loop?: BackgroundLoop;
  private stopping = false;
  private ticks = 0;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(INTEGRATION_REPOSITORY) private readonly integrations: IntegrationRepository,
    @Inject(INBOUND_REPOSITORY) private readonly repo: InboundRepository,
    private readonly contexts: ConnectorContextFactory,
    private readonly registry: ConnectorRegistry,
    private readonly publisher: InboundPublisher,
    @Inject(INBOUND_RUNTIME_OPTIONS) private readonly opts: InboundRuntimeOptions,
    @Inject(RUNTIME_INFO) private readonly info: RuntimeInfo,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const subject of [EventSubjects.IntegrationUpdated, EventSubjects.IntegrationStatusChanged, EventSubjects.IntegrationDeleted, EventSubjects.IntegrationCreated]) {
      this.subscriptions.push(
        this.bus.subscribe(subject, (event) => {
          const d = event.data as { id?: unknown; integration?: { id?: unknown } } | undefined;
          const id = typeof d?.integration?.id === 'string' ? d.integration.id : typeof d?.id === 'string' ? d.id : undefined;
          if (id) void this.schedule(id);
        }),
      );
    }
    // The first reconcile runs one tick after the start, not during it: a slow peer must not hold up the service,
    // and in standalone mode the other apps are still running their migrations on the one embedded database session
    // (webhook requests and status events start listeners on demand meanwhile).
    const every = this.info.singleInstance ? this.opts.tickMs * 3 : this.opts.tickMs;
    this.loop = new BackgroundLoop({ name: 'inbound reconcile', everyMs: every, logger: this.logger }, () => this.tick()).start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const loop = this.loop?.stop();
    await Promise.all(this.subscriptions.map((s) => s.close().catch(() => undefined)));
    await loop;
    await Promise.all([...this.chains.values()].map((c) => c.catch(() => undefined)));
    await Promise.all([...this.listeners.keys()].map((id) => this.stop(id)));
    this.logger.log('inbound listeners stopped');
  }

  /** Ids listening in this process (tests, metrics). */
  listening(): string[] {
    return [...this.listeners.keys()];
  }

  private async tick(): Promise<void> {
    try {
      // Renew the leases of the pollers running here; one that was lost (a long pause) stops at once.
      for (const [id, l] of this.listeners) {
        if (l.leased && !(await this.repo.tryLease(id, this.holder, this.opts.leaseSeconds))) {
          this.logger.warn(`lease of integration ${id} lost to another replica; stopping its poller here`);
          await this.serialised(id, () => this.stop(id, false));
        }
      }
      const wanted = new Set(await this.repo.listeningIds());
      // Differences every tick; every listener's settings now and then (a missed integration.updated).
      const full = this.ticks++ % 12 === 0;
      for (const id of new Set([...wanted, ...this.listeners.keys()])) {
        if (full || wanted.has(id) !== this.listeners.has(id)) await this.schedule(id);
      }
    } catch (e) {
      if (!this.stopping) this.logger.warn(`inbound reconcile failed: ${(e as Error).message}`);
    }
  }

  /** Brings one integration's listener in line with its stored state; calls for one id run one after another. */
  schedule(id: string): Promise<void> {
    return this.serialised(id, () => this.reconcile(id));
  }

  private serialised(id: string, work: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(id) ?? Promise.resolve()).then(work).catch((e: Error) => this.logger.warn(`inbound ${id}: ${e.message}`));
    this.chains.set(id, next);
    void next.then(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
    return next;
  }

  private async reconcile(id: string): Promise<void> {
    if (this.stopping) return;
    const row = await this.integrations.findById(id);
    const current = this.listeners.get(id);
    if (!shouldListen(row)) {
      if (current) await this.stop(id);
      if (!row) await this.repo.forget(id).catch(() => undefined);
      return;
    }
    const version = versionOf(row);
    if (current?.version === version) return;
    if (current) await this.stop(id);
    const failed = this.failedAt.get(id);
    if (failed && failed.version === version && Date.now() - failed.at < this.opts.retryMs) return;
    await this.start(row, version);
  }

  private async start(row: IntegrationEntity, version: string): Promise<void> {
    const leased = this.registry.inboundConcurrency(row.type, row.connection) === 'one-replica';
    if (leased && !(await this.repo.tryLease(row.id, this.holder, this.opts.leaseSeconds))) return; // another replica polls it
    let connector: Connector | undefined;
    try {
      connector = this.contexts.create(row);
      if (!connector.startListening) throw new Error(`${row.type} cannot receive`);
      const source: InboundSource = { id: row.id, name: row.name, type: row.type };
      await connector.initialize();
      // A webhook's message continues its HTTP request's correlation; what a poller or listener receives is new work.
      const ownWork = row.type !== IntegrationType.WEBHOOK;
      await connector.startListening(async (m: InboundMessage) => {
        await (ownWork ? runAsNewWork(() => this.publisher.publish(source, m)) : this.publisher.publish(source, m));
      });
      this.listeners.set(row.id, { connector, source, version, leased });
      this.failedAt.delete(row.id);
      this.logger.log(`listening for integration ${row.name} (${row.id}, ${row.type}${leased ? ', leased poller' : ''})`);
    } catch (e) {
      this.failedAt.set(row.id, { version, at: Date.now() });
      this.logger.warn(`cannot listen for integration ${row.name} (${row.id}): ${(e as Error).message}; retrying in ${Math.round(this.opts.retryMs / 1000)} s`);
      await connector?.close().catch(() => undefined);
      if (leased) await this.repo.releaseLease(row.id, this.holder).catch(() => undefined);
    }
  }

  private async stop(id: string, release = true): Promise<void> {
    const l = this.listeners.get(id);
    if (!l) return;
    this.listeners.delete(id);
    try {
      // Stops new messages; the loops finish the message in hand (its publish, then its ack/delete).
      await l.connector.stopListening?.();
    } catch (e) {
      this.logger.warn(`inbound ${id}: stopListening failed: ${(e as Error).message}`);
    }
    await l.connector.close().catch(() => undefined);
    if (l.leased && release) await this.repo.releaseLease(id, this.holder).catch(() => undefined);
    this.logger.log(`stopped listening for integration ${l.source.name} (${id})`);
  }

  /**
   * `POST /api/v1/hooks/{id}`: the raw request, verified by the integration's WEBHOOK connector, published.
   * 404 for an unknown id and for integrations that take no webhooks alike (nothing is said about which);
   * 503 for a webhook integration that is not ACTIVE.
   */
  async receiveWebhook(id: string, headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<void> {
    // The stored state decides, not the listener: a disable takes effect at once, before its event arrives here.
    const row = await this.integrations.findById(id);
    if (!row || row.type !== IntegrationType.WEBHOOK || !RECEIVING.has(row.direction)) throw new AppException('INTEGRATION_NOT_FOUND', 'No webhook receiver at this address');
    const { enabled, status } = row;
    if (!shouldListen(row)) {
      if (this.listeners.has(id)) void this.schedule(id);
      throw new AppException('SERVICE_UNAVAILABLE', `This webhook receiver is not active (status ${enabled ? status : 'INACTIVE'})`);
    }
    let l = this.listeners.get(id);
    if (!l || l.version !== versionOf(row)) {
      // ACTIVE but not (yet) started here, or its settings just changed: bring the listener up to date first.
      this.failedAt.delete(id);
      await this.schedule(id);
      l = this.listeners.get(id);
      if (!l) throw new AppException('SERVICE_UNAVAILABLE', 'This webhook receiver is starting; try again');
    }
    if (!isInboundReceiver(l.connector)) throw new AppException('INTEGRATION_NOT_FOUND', 'No webhook receiver at this address');
    try {
      await l.connector.receive(headers, body);
    } catch (e) {
      if (e instanceof AppException) throw e;
      // Verified, but not published (the bus or the database failed): the sender should try again later.
      this.logger.warn(`webhook for integration ${id} verified but not published: ${(e as Error).message}`);
      throw new AppException('SERVICE_UNAVAILABLE', 'The webhook could not be stored; retry later');
    }
  }
}
