import { ResourceDto, ResourceRef } from '@app/contracts';
import type { ResourceEntity } from './resource.entity';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toResourceDto(r: ResourceEntity): ResourceDto {
  return {
    arn: r.arn,
    account_id: r.account_id,
    region: r.region,
    service: r.service,
    type: r.type,
    name: r.name,
    state: r.state,
    tags: r.tags,
    created_at: iso(r.created_at),
    properties: r.properties,
    first_seen_at: r.first_seen_at.toISOString(),
    last_seen_at: r.last_seen_at.toISOString(),
    removed_at: iso(r.removed_at),
  };
}

/** The event shape of a row (or a collected resource): a copy without the other columns. */
export function toResourceRef(r: ResourceRef): ResourceRef {
  return { arn: r.arn, account_id: r.account_id, region: r.region, service: r.service, type: r.type, name: r.name, state: r.state, tags: r.tags };
}
