import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { ErrorNotice, Loading, Time } from '../../components/ui';

type Change = Schemas['ResourceChangeDto'];
type Changes = { fields?: string[]; state?: { from: string; to: string }; name?: { from: string; to: string }; tags?: { added: Record<string, string>; removed: string[]; changed: Record<string, { from: string; to: string }> }; properties?: string[] };

/** A change in words: "state running → stopped; tags +owner=ops, env test → prod". */
export function describeChange(c: Pick<Change, 'kind' | 'changes'>): string {
  if (c.kind === 'removed') return 'no longer seen (removed)';
  if (c.kind === 'discovered') return 'seen again';
  const ch = (c.changes ?? {}) as Changes;
  const parts: string[] = [];
  if (ch.state) parts.push(`state ${ch.state.from} → ${ch.state.to}`);
  if (ch.name) parts.push(`name ${ch.name.from} → ${ch.name.to}`);
  if (ch.tags) {
    const t = [
      ...Object.entries(ch.tags.added ?? {}).map(([k, v]) => `+${k}=${v}`),
      ...(ch.tags.removed ?? []).map((k) => `−${k}`),
      ...Object.entries(ch.tags.changed ?? {}).map(([k, v]) => `${k} ${v.from} → ${v.to}`),
    ];
    parts.push(`tags ${t.join(', ')}`);
  }
  if (ch.properties?.length) parts.push(`properties ${ch.properties.join(', ')}`);
  return parts.join('; ') || 'changed';
}

/** The newest recorded changes (of one resource with `arn`, else of the whole registry). */
export function RecentChanges({ arn, limit = 20 }: { arn?: string; limit?: number }) {
  const q = useQuery({ queryKey: ['resources', 'changes', arn ?? '*', limit], queryFn: () => unwrap(api.GET('/api/v1/resources/changes', { params: { query: { arn, limit } } })) });
  if (q.isPending) return <Loading what="changes" />;
  if (q.error) return <ErrorNotice error={q.error} onRetry={() => q.refetch()} />;
  if (!q.data.items.length) return <p className="empty">No changes recorded yet: changes appear when a sync sees a resource differ, go or come back.</p>;
  return (
    <ol className="changes">
      {q.data.items.map((c) => (
        <li key={c.id}>
          <Time value={c.at} />{' '}
          {!arn && (
            <>
              <Link to="/resources/$arn" params={{ arn: c.arn }}>
                {c.name || c.arn}
              </Link>{' '}
              <span className="muted">({c.type})</span>:{' '}
            </>
          )}
          <span className={`change-kind ${c.kind}`}>{describeChange(c)}</span>
        </li>
      ))}
    </ol>
  );
}
