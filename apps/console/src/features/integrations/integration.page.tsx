import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Button, Form, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { useCan } from '../../api/use-session';
import { DataTable } from '../../components/data-table';
import { ConfirmButton } from '../../components/dialog';
import { TextInput } from '../../components/forms';
import { ErrorNotice, KeyValues, Loading, Page, StatusBadge, Tags, Time } from '../../components/ui';
import { LatencyChart } from './latency-chart';
import { SigningSecret } from './signing-secret';

type Integration = Schemas['IntegrationDto'];
type Check = Schemas['HealthCheckRecordDto'];
type Delivery = Schemas['DeliveryDto'];

const TABS = ['overview', 'health', 'deliveries', 'dead-letters'] as const;
type TabId = (typeof TABS)[number];

function Overview({ i }: { i: Integration }) {
  const can = useCan();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const refresh = () => void queries.invalidateQueries({ queryKey: ['integrations'] });
  const test = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/integrations/{id}/test', { params: { path: { id: i.id } }, body: { send_test_event: false } })), onSettled: refresh });
  const lifecycle = useMutation({
    mutationFn: (action: 'enable' | 'disable' | 'deprecate') =>
      action === 'enable'
        ? unwrap(api.POST('/api/v1/integrations/{id}/enable', { params: { path: { id: i.id } } }))
        : action === 'disable'
          ? unwrap(api.POST('/api/v1/integrations/{id}/disable', { params: { path: { id: i.id } } }))
          : unwrap(api.POST('/api/v1/integrations/{id}/deprecate', { params: { path: { id: i.id } } })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/integrations/{id}', { params: { path: { id: i.id } } })),
    onSuccess: () => {
      refresh();
      void navigate({ to: '/integrations' });
    },
  });
  const writable = i.status !== 'DEPRECATED';
  return (
    <div className="grid cards-2">
      <section className="card" aria-labelledby="ov-status">
        <h2 id="ov-status">
          Status <StatusBadge status={i.status} />
        </h2>
        {i.status_reason && <p className="status-message">{i.status_reason}</p>}
        <div className="button-row">
          {can('POST /api/v1/integrations/{id}/test') && writable && (
            <Button className="button primary" isDisabled={test.isPending} onPress={() => test.mutate()}>
              {test.isPending ? 'Testing…' : 'Test connection'}
            </Button>
          )}
          {can('POST /api/v1/integrations/{id}/enable') && i.status === 'INACTIVE' && (
            <Button className="button" onPress={() => lifecycle.mutate('enable')}>
              Enable
            </Button>
          )}
          {can('POST /api/v1/integrations/{id}/disable') && writable && i.status !== 'INACTIVE' && (
            <Button className="button" onPress={() => lifecycle.mutate('disable')}>
              Disable
            </Button>
          )}
          {can('POST /api/v1/integrations/{id}/deprecate') && writable && (
            <ConfirmButton label="Deprecate" title={`Deprecate ${i.name}?`} message="It is kept, read-only, and receives nothing any more. This cannot be undone." confirmLabel="Deprecate" onConfirm={() => lifecycle.mutate('deprecate')} />
          )}
          {can('PUT /api/v1/integrations/{id}') && writable && (
            <Link to="/integrations/$id/edit" params={{ id: i.id }} className="button">
              Edit
            </Link>
          )}
          {can('DELETE /api/v1/integrations/{id}') && <ConfirmButton label="Delete" title={`Delete ${i.name}?`} message="Its deliveries and health history go with it." confirmLabel="Delete" onConfirm={() => remove.mutate()} />}
        </div>
        {test.data && (
          <div className={`notice ${test.data.healthy ? 'ok' : 'error'}`} role="status">
            <strong>{test.data.healthy ? 'Connection works' : 'Connection failed'}</strong> ({test.data.latency_ms} ms) → <StatusBadge status={test.data.status} />
            {test.data.error && <p>{test.data.error}</p>}
          </div>
        )}
        <ErrorNotice error={test.error ?? lifecycle.error ?? remove.error} />
      </section>
      <section className="card" aria-labelledby="ov-config">
        <h2 id="ov-config">Configuration</h2>
        <KeyValues
          items={[
            ['Type', i.type],
            ['Direction', i.direction],
            ['Description', i.description || '—'],
            ['Auth', i.auth.type],
            ['Timeout', `${i.timeout_seconds} s`],
            ['Rate limit', `${i.rate_limit_per_minute} / min`],
            ['Retries', i.retry.enabled ? `${i.retry.max_attempts} attempts, ${i.retry.initial_backoff_seconds}-${i.retry.max_backoff_seconds} s backoff` : 'off'],
            ['Health check', i.health_check.enabled ? `every ${i.health_check.interval_seconds} s, unhealthy after ${i.health_check.failure_threshold}` : 'off'],
            ['Subscriptions', i.subscriptions.length ? i.subscriptions.map((s) => s.subjects.join(', ')).join(' · ') : 'none'],
            ['Tags', <Tags tags={i.tags} />],
            ['Created', <Time value={i.created_at} />],
            ['Updated', <Time value={i.updated_at} />],
          ]}
        />
        <h3>Connection</h3>
        <pre className="code" tabIndex={0} aria-label="Connection settings (secrets masked)">
          {JSON.stringify(i.connection, null, 2)}
        </pre>
      </section>
      {i.type === 'WEBHOOK' && <SigningSecret id={i.id} />}
    </div>
  );
}

/** One bar per check, oldest left: green success, red failure, grey unknown. */
function UptimeBars({ checks }: { checks: Check[] }) {
  const ordered = checks.slice().sort((a, b) => Date.parse(a.checked_at) - Date.parse(b.checked_at));
  const ok = checks.filter((c) => c.outcome === 'SUCCESS').length;
  const failed = checks.filter((c) => c.outcome === 'FAILURE').length;
  return (
    <figure className="uptime">
      <div className="uptime-bars" role="img" aria-label={`${ok} of the last ${checks.length} checks succeeded, ${failed} failed`}>
        {ordered.map((c) => (
          <span key={c.id} className={`uptime-bar ${c.outcome.toLowerCase()}`} title={`${new Date(c.checked_at).toLocaleString()}: ${c.outcome}${c.latency_ms !== undefined ? `, ${c.latency_ms} ms` : ''}${c.error ? `, ${c.error}` : ''}`} />
        ))}
      </div>
      <figcaption>
        Last {checks.length} checks: {ok} succeeded, {failed} failed.
      </figcaption>
    </figure>
  );
}

function Health({ id }: { id: string }) {
  const health = useQuery({ queryKey: ['integrations', id, 'health'], queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}/health', { params: { path: { id } } })), refetchInterval: 2000 });
  const history = useQuery({ queryKey: ['integrations', id, 'health-history'], queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}/health/history', { params: { path: { id }, query: { limit: 90 } } })), refetchInterval: 2000 });
  const h = health.data;
  const lastError = h?.last_error as { at?: string; message?: string } | null | undefined;
  return (
    <div className="grid cards-2">
      <section className="card" aria-labelledby="h-status">
        <h2 id="h-status">
          Health <span data-testid="health-status">{h && <StatusBadge status={h.status} />}</span>
        </h2>
        <ErrorNotice error={health.error} />
        {h && (
          <KeyValues
            items={[
              ['Monitored', h.monitored ? `yes, every ${h.interval_seconds ?? '?'} s` : 'no'],
              ['Uptime (24 h)', h.uptime_24h.ratio !== null && h.uptime_24h.ratio !== undefined ? `${(h.uptime_24h.ratio * 100).toFixed(1)} % (${h.uptime_24h.successes} ok, ${h.uptime_24h.failures} failed)` : 'no checks yet'],
              ['Streak', h.consecutive_failures ? `${h.consecutive_failures} failure(s) in a row (unhealthy at ${h.failure_threshold})` : `${h.consecutive_successes} success(es) in a row`],
              ['Status since', <Time value={h.status_changed_at} />],
              ['Next check', <Time value={h.next_check_at} />],
              ['Last success', <Time value={h.last_success_at} />],
              ['Last error', lastError?.message ? `${lastError.message}` : 'none'],
            ]}
          />
        )}
      </section>
      <section className="card" aria-labelledby="h-history">
        <h2 id="h-history">Recent checks</h2>
        <ErrorNotice error={history.error} />
        {history.isPending && <Loading what="health checks" />}
        {history.data && (history.data.items.length ? <UptimeBars checks={history.data.items} /> : <p className="empty">No check yet.</p>)}
        {history.data && history.data.items.length > 0 && <LatencyChart checks={history.data.items} />}
      </section>
    </div>
  );
}

function Deliveries({ id, dead }: { id: string; dead: boolean }) {
  const can = useCan();
  const queries = useQueryClient();
  const list = useQuery({
    queryKey: ['integrations', id, 'deliveries', dead],
    queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}/deliveries', { params: { path: { id }, query: { limit: 50, status: dead ? 'DEAD' : undefined } } })),
    refetchInterval: 3000,
  });
  const retry = useMutation({
    mutationFn: (deliveryId: string) => unwrap(api.POST('/api/v1/integrations/{id}/deliveries/{delivery_id}/retry', { params: { path: { id, delivery_id: deliveryId } } })),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['integrations', id, 'deliveries'] }),
  });
  const [since, setSince] = useState(() => new Date(Date.now() - 3600_000).toISOString().slice(0, 16));
  const replay = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/integrations/{id}/replay', { params: { path: { id } }, body: { since: new Date(since).toISOString() } })),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['integrations', id, 'deliveries'] }),
  });
  const replayErrors = fieldErrorsFor(replay.error, ['since']);
  const columns: ColumnDef<Delivery, unknown>[] = [
    { header: 'Event', cell: ({ row }) => <span className="mono small">{row.original.event_type}</span> },
    { header: 'Status', cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { header: 'Attempts', accessorKey: 'attempts' },
    { header: 'Last error', cell: ({ row }) => (row.original.last_error ? `${row.original.last_status_code ?? ''} ${row.original.last_error}` : '') },
    { header: 'Recorded', cell: ({ row }) => <Time value={row.original.created_at} /> },
    { header: 'Delivered', cell: ({ row }) => <Time value={row.original.delivered_at} /> },
    {
      header: 'Actions',
      cell: ({ row }) =>
        can('POST /api/v1/integrations/{id}/deliveries/{delivery_id}/retry') && (row.original.status === 'DEAD' || row.original.status === 'DELIVERED') ? (
          <Button className="button small" aria-label={`Send delivery ${row.original.id} again`} isDisabled={retry.isPending} onPress={() => retry.mutate(row.original.id)}>
            Send again
          </Button>
        ) : null,
    },
  ];
  return (
    <section className="card" aria-labelledby={dead ? 'dl-title' : 'dv-title'}>
      <h2 id={dead ? 'dl-title' : 'dv-title'}>{dead ? 'Dead letters' : 'Deliveries'}</h2>
      {dead && <p className="hint">Deliveries that used up their attempts. Send one again, or replay everything since a time (each goes out again with its own delivery id).</p>}
      {dead && can('POST /api/v1/integrations/{id}/replay') && (
        <Form validationBehavior="aria"
          className="inline-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            replay.mutate();
          }}
        >
          <TextInput label="Replay since (local time)" value={since} onChange={setSince} error={replayErrors.byField.since} />
          <Button type="submit" className="button" isDisabled={replay.isPending}>
            Replay
          </Button>
          {replay.data && <span role="status">{replay.data.replayed} delivery(ies) queued again.</span>}
        </Form>
      )}
      <ErrorNotice error={list.error ?? retry.error ?? (replayErrors.byField.since ? undefined : replay.error)} />
      {list.isPending ? <Loading what="deliveries" /> : list.data && <DataTable caption={dead ? 'Dead letters' : 'Deliveries'} data={list.data.items} columns={columns} rowKey={(d) => d.id} empty={dead ? 'No dead letters.' : 'No delivery yet.'} />}
    </section>
  );
}

export function IntegrationPage() {
  const { id } = useParams({ from: '/app/integrations/$id' });
  const { tab } = useSearch({ from: '/app/integrations/$id' });
  const navigate = useNavigate({ from: '/integrations/$id' });
  const q = useQuery({ queryKey: ['integrations', id], queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}', { params: { path: { id } } })), refetchInterval: 2000 });
  const selected: TabId = TABS.includes(tab as TabId) ? (tab as TabId) : 'overview';
  const i = q.data;
  return (
    <Page title={i?.name ?? 'Integration'} subtitle={i && <>{i.type} · {i.direction} · <StatusBadge status={i.status} /></>} actions={<Link to="/integrations">← Integrations</Link>}>
      <ErrorNotice error={q.error} onRetry={() => q.refetch()} />
      {q.isPending && <Loading what="the integration" />}
      {i && (
        <Tabs selectedKey={selected} onSelectionChange={(k) => void navigate({ search: { tab: k === 'overview' ? undefined : String(k) }, replace: true })}>
          <TabList className="tabs" aria-label="Integration views">
            <Tab id="overview" className="tab">
              Overview
            </Tab>
            <Tab id="health" className="tab">
              Health
            </Tab>
            <Tab id="deliveries" className="tab">
              Deliveries
            </Tab>
            <Tab id="dead-letters" className="tab">
              Dead letters
            </Tab>
          </TabList>
          <TabPanel id="overview">
            <Overview i={i} />
          </TabPanel>
          <TabPanel id="health">
            <Health id={id} />
          </TabPanel>
          <TabPanel id="deliveries">
            <Deliveries id={id} dead={false} />
          </TabPanel>
          <TabPanel id="dead-letters">
            <Deliveries id={id} dead />
          </TabPanel>
        </Tabs>
      )}
    </Page>
  );
}
