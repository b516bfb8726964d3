import { RequirePermission } from '@app/auth';
import { AppException } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject } from '@nestjs/common';
import { Args, Context, ID, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Authenticator } from '../auth/authenticator';
import { watchCredential } from '../events/credential-watch';
import { eventIterator, StreamedEvent } from '../events/event-queue';
import { parseSubjects } from '../events/event-streams.service';
import { GraphqlContext } from './graphql-context';
import { subscriptionError } from './graphql-errors';
import { Event } from './types/integrations.types';

type Data = Record<string, unknown> & { resource?: Record<string, unknown> };
const dataOf = (s: StreamedEvent): Data => (s.event.data ?? {}) as Data;

/** A subscription's WebSocket context: the credential it opened with (connection_init), watched while it runs. */
export interface SubscriptionContext extends GraphqlContext {
  credentials?: Record<string, string | undefined>;
}

function toEvent(s: StreamedEvent): Event {
  const e = s.event;
  return { id: e.id, type: e.type, source: e.source, time: e.time, subject: e.subject ?? null, correlationid: e.correlationid ?? null, data: e.data, nats_subject: s.position.subject, sequence: String(s.position.sequence) };
}

function afterSequence(raw: string | null | undefined): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new AppException('VALIDATION_FAILED', 'after_sequence must be a sequence number', { errors: [{ field: 'after_sequence', message: 'must be a sequence number' }] });
  return Number(raw);
}

/**
 * Subscriptions (graphql-ws) over the bus's event stream, with the SSE stream's subject rules and permissions.
 * The credential of connection_init is checked again every few seconds: when it expires or is revoked the
 * connection is closed (4403).
 */
@Resolver()
export class SubscriptionsResolver {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly authenticator: Authenticator,
  ) {}

  private async relay(ctx: SubscriptionContext, patterns: () => string[], after: () => number | undefined, keep?: (s: StreamedEvent) => boolean): Promise<AsyncIterableIterator<{ event: Event }>> {
    let chosen: string[];
    let from: number | undefined;
    try {
      chosen = patterns();
      from = after();
    } catch (e) {
      throw subscriptionError(e);
    }
    const events = await eventIterator(this.bus, chosen, from, keep);
    return this.watched(ctx, events);
  }

  private watched(ctx: SubscriptionContext, events: Awaited<ReturnType<typeof eventIterator>>): AsyncIterableIterator<{ event: Event }> {
    const stop = watchCredential(this.authenticator, ctx.credentials ?? {}, (why) => {
      events.fail(why);
      ctx.closeConnection?.(4403, why.message.slice(0, 100));
    });
    const out: AsyncIterableIterator<{ event: Event }> = {
      [Symbol.asyncIterator]: () => out,
      next: async () => {
        const r = await events.next();
        if (r.done) stop();
        return r.done ? { value: undefined, done: true } : { value: { event: toEvent(r.value) }, done: false };
      },
      return: async () => {
        stop();
        await events.return?.();
        return { value: undefined, done: true };
      },
    };
    return out;
  }

  @Subscription(() => Event, { name: 'events', resolve: (p: { event: Event }) => p.event, description: 'Domain events on these NATS patterns (as the SSE stream\'s `subjects`; default every domain you may read), replayed after `after_sequence` first' })
  @RequirePermission('EventsRead')
  events(@Context() ctx: SubscriptionContext, @Args('subjects', { type: () => [String], nullable: true }) subjects?: string[] | null, @Args('after_sequence', { type: () => String, nullable: true }) after?: string | null): Promise<AsyncIterableIterator<{ event: Event }>> {
    return this.relay(ctx, () => parseSubjects(subjects ?? undefined, ctx.identity!), () => afterSequence(after));
  }

  @Subscription(() => Event, { resolve: (p: { event: Event }) => p.event, description: 'fleet.resource.discovered|changed|removed; filter: account_id, region, type, arn' })
  @RequirePermission('InventoryRead')
  resourceChanged(@Context() ctx: SubscriptionContext, @Args('filter', { type: () => GraphQLJSONObject, nullable: true }) filter?: Record<string, unknown> | null): Promise<AsyncIterableIterator<{ event: Event }>> {
    const want = Object.entries(filter ?? {});
    const check = () => {
      for (const [k, v] of want) if (!['account_id', 'region', 'type', 'arn'].includes(k) || typeof v !== 'string') throw new AppException('VALIDATION_FAILED', `filter.${k}: filter by account_id, region, type or arn (strings)`, { errors: [{ field: `filter.${k}`, message: 'unknown or not a string' }] });
      return ['fleet.resource.*'];
    };
    return this.relay(ctx, check, () => undefined, (s) => want.every(([k, v]) => dataOf(s).resource?.[k] === v));
  }

  @Subscription(() => Event, { resolve: (p: { event: Event }) => p.event, description: 'integration.status.changed and health.status.changed, of one integration or all' })
  @RequirePermission('IntegrationsRead')
  integrationStatusChanged(@Context() ctx: SubscriptionContext, @Args('integration_id', { type: () => ID, nullable: true }) id?: string | null): Promise<AsyncIterableIterator<{ event: Event }>> {
    return this.relay(ctx, () => ['integration.status.changed', 'health.status.changed'], () => undefined, (s) => !id || dataOf(s).id === id || dataOf(s).integration_id === id);
  }

  @Subscription(() => Event, { resolve: (p: { event: Event }) => p.event, description: 'fleet.command.started, .target.completed and .completed of one command' })
  @RequirePermission('InventoryRead')
  commandProgress(@Context() ctx: SubscriptionContext, @Args('id', { type: () => ID }) id: string): Promise<AsyncIterableIterator<{ event: Event }>> {
    return this.relay(ctx, () => ['fleet.command.>'], () => undefined, (s) => dataOf(s).id === id);
  }
}
