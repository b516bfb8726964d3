import { CloudEvent, DeliveryOrderBy, DeliverySettingsDto } from '@app/contracts';
import { ClaimMode } from './delivery.repository';

/** Longest key kept; longer ones are cut, and keys that then collide share one order (more order, never less). */
export const ORDER_KEY_MAX = 512;

/** The key a delivery is kept in order by, fixed when it is recorded: '' orders the integration as a whole. */
export function orderKeyOf(delivery: Pick<DeliverySettingsDto, 'order_by'>, event: Pick<CloudEvent, 'type' | 'subject'>): string {
  switch (delivery.order_by) {
    case DeliveryOrderBy.SUBJECT:
      // Events without a subject keep their order among themselves.
      return typeof event.subject === 'string' ? event.subject.slice(0, ORDER_KEY_MAX) : '';
    case DeliveryOrderBy.EVENT_TYPE:
      return event.type.slice(0, ORDER_KEY_MAX);
    default:
      return '';
  }
}

/** How the dispatcher claims for these settings, and how many of the integration's deliveries may be in flight per replica. */
export function claimPlan(delivery: Pick<DeliverySettingsDto, 'parallel' | 'order_by' | 'max_in_flight'>): { mode: ClaimMode; limit: number } {
  if (delivery.parallel) return { mode: 'parallel', limit: delivery.max_in_flight };
  const mode = Object.values(DeliveryOrderBy).includes(delivery.order_by) ? delivery.order_by : DeliveryOrderBy.INTEGRATION;
  return { mode, limit: mode === DeliveryOrderBy.INTEGRATION ? 1 : delivery.max_in_flight };
}
