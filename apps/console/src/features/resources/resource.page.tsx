import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import { ErrorNotice, KeyValues, Loading, Page, Tags, Time } from '../../components/ui';
import { RecentChanges } from './recent-changes';

export function ResourcePage() {
  const { arn } = useParams({ from: '/app/resources/$arn' });
  const q = useQuery({ queryKey: ['resources', 'one', arn], queryFn: () => unwrap(api.GET('/api/v1/resources/{arn}', { params: { path: { arn } } })) });
  const r = q.data;
  return (
    <Page title={r?.name || 'Resource'} subtitle={<code className="arn">{arn}</code>} actions={<Link to="/resources">← All resources</Link>}>
      <ErrorNotice error={q.error} onRetry={() => q.refetch()} />
      {q.isPending && <Loading what="the resource" />}
      {r && (
        <div className="grid cards-2">
          <section className="card" aria-labelledby="res-summary">
            <h2 id="res-summary">Summary</h2>
            <KeyValues
              items={[
                ['Type', r.type],
                ['Account', <Link to="/resources" search={{ account_id: r.account_id }}>{r.account_id}</Link>],
                ['Region', r.region],
                ['State', r.state],
                ['Created (AWS)', <Time value={r.created_at} />],
                ['First seen', <Time value={r.first_seen_at} />],
                ['Last seen', <Time value={r.last_seen_at} />],
                ['Removed', r.removed_at ? <Time value={r.removed_at} /> : 'no'],
              ]}
            />
            <h3>Tags</h3>
            <Tags tags={r.tags} />
          </section>
          <section className="card" aria-labelledby="res-history">
            <h2 id="res-history">Change history</h2>
            <RecentChanges arn={arn} />
            <p className="muted">
              First seen <Time value={r.first_seen_at} />.
            </p>
          </section>
          <section className="card span-2" aria-labelledby="res-props">
            <h2 id="res-props">Properties</h2>
            <pre className="code" tabIndex={0} aria-label="Properties as JSON">
              {JSON.stringify(r.properties, null, 2)}
            </pre>
          </section>
        </div>
      )}
    </Page>
  );
}
