import { CloudEvent, SubscriptionDto, SubscriptionFiltersDto, UNDELIVERABLE_SUBJECTS } from '@app/contracts';
import { subjectMatches } from '@app/messaging';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** The fields filters look at, from the event's data or its `resource` / `account` (fleet events) / `integration` (tags). */
function filterFields(data: unknown): { account_id?: string; region?: string; resource_types: string[]; tags?: Record<string, unknown> } {
  const d = obj(data) ?? {};
  const resource = obj(d.resource);
  const account = obj(d.account);
  const integration = obj(d.integration);
  const type = str(d.resource_type) ?? str(resource?.type);
  const service = str(resource?.service);
  return {
    account_id: str(d.account_id) ?? str(resource?.account_id) ?? str(account?.account_id) ?? str(account?.id),
    region: str(d.region) ?? str(resource?.region),
    resource_types: type ? [type, ...(service ? [`${service}:${type}`] : [])] : [],
    tags: obj(d.tags) ?? obj(resource?.tags) ?? obj(account?.tags) ?? obj(integration?.tags),
  };
}

export function filtersMatch(filters: SubscriptionFiltersDto | undefined, data: unknown): boolean {
  if (!filters) return true;
  const f = filterFields(data);
  if (filters.account_id !== undefined && f.account_id !== filters.account_id) return false;
  if (filters.region !== undefined && f.region !== filters.region) return false;
  if (filters.resource_type !== undefined && !f.resource_types.includes(filters.resource_type)) return false;
  if (filters.tags) {
    for (const [k, v] of Object.entries(filters.tags)) if (str(f.tags?.[k]) !== v) return false;
  }
  return true;
}

/** Events the pipeline never delivers: inbound traffic and its own delivery/circuit events (no loops). */
export function isDeliverable(subject: string): boolean {
  return !UNDELIVERABLE_SUBJECTS.some((p) => subjectMatches(p, subject));
}

/** Whether one of the subscriptions wants this event (subject pattern and every given filter). */
export function subscriptionsMatch(subscriptions: SubscriptionDto[], subject: string, event: CloudEvent): boolean {
  if (!isDeliverable(subject)) return false;
  return subscriptions.some((s) => s.subjects.some((p) => subjectMatches(p, subject)) && filtersMatch(s.filters, event.data));
}
