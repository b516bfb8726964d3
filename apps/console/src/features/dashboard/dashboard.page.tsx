import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { useEventFeed } from '../../api/events';
import { useCan } from '../../api/use-session';
import { ErrorNotice, Loading, Page, StatusBadge, Time } from '../../components/ui';
import { RecentChanges } from '../resources/recent-changes';

type Status = Schemas['IntegrationDto']['status'];
const STATUSES: Status[] = ['ACTIVE', 'ERROR', 'CONFIGURING', 'TESTING', 'INACTIVE', 'DEPRECATED'];

function Breakdown({ title, counts, link }: { title: string; counts: Record<string, number>; link: (key: string) => React.ReactNode }) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = rows[0]?.[1] ?? 1;
  return (
    <section className="card" aria-labelledby={`bd-${title}`}>
      <h2 id={`bd-${title}`}>{title}</h2>
      {rows.length === 0 ? (
        <p className="empty">No resources yet.</p>
      ) : (
        <table className="bars">
          <caption className="visually-hidden">{title}</caption>
          <tbody>
            {rows.slice(0, 8).map(([k, n]) => (
              <tr key={k}>
                <th scope="row">{link(k)}</th>
                <td className="bar-cell">
                  <span className="bar" style={{ width: `${Math.max(2, (n / max) * 100)}%` }} aria-hidden="true" />
                </td>
                <td className="num">{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function DashboardPage() {
  const can = useCan();
  const summary = useQuery({ queryKey: ['resources', 'summary'], queryFn: () => unwrap(api.GET('/api/v1/resources/summary')) });
  const integrations = useQueries({
    queries: STATUSES.map((status) => ({
      queryKey: ['integrations', 'count', status],
      queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query: { status, limit: 1 } } })),
      enabled: can('GET /api/v1/integrations'),
    })),
  });
  const feed = useEventFeed(undefined, 30);
  const s = summary.data;

  return (
    <Page title="Dashboard" subtitle="The fleet at a glance: inventory, integrations and what is happening now.">
      <div className="grid cards-4">
        <section className="card stat" aria-label="Resources">
          <span className="stat-label">Resources</span>
          <span className="stat-value">{s ? s.total : '…'}</span>
          <Link to="/resources">Browse resources</Link>
        </section>
        <section className="card stat" aria-label="Accounts">
          <span className="stat-label">Accounts with resources</span>
          <span className="stat-value">{s ? Object.keys(s.by_account).length : '…'}</span>
          <Link to="/accounts">Accounts</Link>
        </section>
        <section className="card" aria-labelledby="int-status">
          <h2 id="int-status">Integrations by status</h2>
          <ul className="status-counts">
            {STATUSES.map((status, i) => (
              <li key={status}>
                <Link to="/integrations" search={{ status }}>
                  <StatusBadge status={status} />
                </Link>
                <span className="num">{integrations[i].data?.total ?? '…'}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <ErrorNotice error={summary.error} onRetry={() => summary.refetch()} />
      {summary.isPending ? (
        <Loading what="the inventory summary" />
      ) : (
        s && (
          <div className="grid cards-3">
            <Breakdown title="Resources by account" counts={s.by_account as Record<string, number>} link={(k) => <Link to="/resources" search={{ account_id: k }}>{k}</Link>} />
            <Breakdown title="Resources by region" counts={s.by_region as Record<string, number>} link={(k) => <Link to="/resources" search={{ region: k }}>{k}</Link>} />
            <Breakdown title="Resources by type" counts={s.by_type as Record<string, number>} link={(k) => <Link to="/resources" search={{ type: k }}>{k}</Link>} />
          </div>
        )
      )}
      <div className="grid cards-2">
        <section className="card" aria-labelledby="recent-changes">
          <h2 id="recent-changes">Recent changes</h2>
          <RecentChanges limit={10} />
        </section>
        <section className="card" aria-labelledby="live-events">
          <h2 id="live-events">
            Live events <span className={`stream ${feed.status}`}>{feed.status === 'open' ? 'connected' : feed.status}</span>
          </h2>
          <ErrorNotice error={feed.status === 'closed' ? feed.error : undefined} />
          {feed.events.length === 0 ? (
            <p className="empty">Waiting for events… (resource changes, command progress, integration and health changes appear here as they happen)</p>
          ) : (
            <ol className="event-feed" aria-live="polite" aria-label="Live events, newest first">
              {feed.events.map((e) => (
                <li key={e.data.id}>
                  <span className="event-type">{e.data.type}</span> <span className="event-subject">{e.data.subject}</span> <Time value={e.data.time} />
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </Page>
  );
}
