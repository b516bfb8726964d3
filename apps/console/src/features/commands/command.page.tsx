import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import { useEventStream } from '../../api/events';
import { useCan } from '../../api/use-session';
import { DataTable } from '../../components/data-table';
import { ConfirmButton } from '../../components/dialog';
import { ErrorNotice, KeyValues, Loading, Page, StatusBadge, Time } from '../../components/ui';

type Result = Schemas['CommandResultDto'];

function Output({ id, target }: { id: string; target: { account_id: string; region: string } }) {
  const out = useQuery({
    queryKey: ['commands', id, 'output', target.account_id, target.region],
    queryFn: () => unwrap(api.GET('/api/v1/commands/{id}/results/{account_id}/{region}', { params: { path: { id, account_id: target.account_id, region: target.region } } })),
  });
  if (out.isPending) return <Loading what="the output" />;
  if (out.error) return <ErrorNotice error={out.error} />;
  const o = out.data;
  return (
    <section className="card output" aria-label={`Output of ${target.account_id} ${target.region}`}>
      <h3>
        Output of {target.account_id} / {target.region} <StatusBadge status={o.status} /> exit {o.exit_code ?? '—'}
      </h3>
      <h4>stdout{o.output_truncated && ' (truncated)'}</h4>
      <pre className="code" tabIndex={0} aria-label="Standard output">
        {o.json ? JSON.stringify(o.json, null, 2) : o.stdout || '(empty)'}
      </pre>
      {o.stderr && (
        <>
          <h4>stderr</h4>
          <pre className="code" tabIndex={0} aria-label="Standard error">
            {o.stderr}
          </pre>
        </>
      )}
    </section>
  );
}

export function CommandPage() {
  const { id } = useParams({ from: '/app/commands/$id' });
  const can = useCan();
  const queries = useQueryClient();
  const [open, setOpen] = useState<{ account_id: string; region: string }>();
  const command = useQuery({
    queryKey: ['commands', id],
    queryFn: () => unwrap(api.GET('/api/v1/commands/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data?.status === 'IN_PROGRESS' ? 2000 : false),
  });
  const running = command.data?.status === 'IN_PROGRESS';
  const results = useQuery({
    queryKey: ['commands', id, 'results'],
    queryFn: () => unwrap(api.GET('/api/v1/commands/{id}/results', { params: { path: { id }, query: { limit: 500 } } })),
    refetchInterval: running ? 2000 : false,
  });
  // Each target's completion arrives live; the poll above is only the safety net.
  useEventStream(running ? ['fleet.command.>'] : undefined, (e) => {
    const data = e.data.data as { command_id?: string; id?: string } | undefined;
    if (data?.command_id === id || data?.id === id || e.data.subject === id) {
      void queries.invalidateQueries({ queryKey: ['commands', id] });
    }
  });
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/commands/{id}/cancel', { params: { path: { id } } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['commands', id] }),
  });

  const columns: ColumnDef<Result, unknown>[] = [
    { header: 'Account', cell: ({ row }) => <span className="mono">{row.original.account_id}</span> },
    { header: 'Region', accessorKey: 'region' },
    { header: 'Status', cell: ({ row }) => <StatusBadge status={row.original.status} /> },
    { header: 'Exit', cell: ({ row }) => row.original.exit_code ?? '—' },
    { header: 'Took', cell: ({ row }) => (row.original.duration_ms !== null ? `${(row.original.duration_ms / 1000).toFixed(1)} s` : '—') },
    { header: 'Error', cell: ({ row }) => row.original.error ?? '' },
    {
      header: 'Output',
      cell: ({ row }) =>
        ['SUCCESS', 'FAILED', 'TIMED_OUT'].includes(row.original.status) ? (
          <Button className="button small" aria-label={`Show output of ${row.original.account_id} ${row.original.region}`} onPress={() => setOpen({ account_id: row.original.account_id, region: row.original.region })}>
            Show output
          </Button>
        ) : null,
    },
  ];

  const c = command.data;
  return (
    <Page title="Command" subtitle={c && <code className="mono">aws {c.command}</code>} actions={<Link to="/commands">← All commands</Link>}>
      <ErrorNotice error={command.error} onRetry={() => command.refetch()} />
      {command.isPending && <Loading what="the command" />}
      {c && (
        <section className="card" aria-labelledby="cmd-summary">
          <h2 id="cmd-summary">
            <StatusBadge status={c.status} /> {c.counts.success + c.counts.failed + c.counts.timed_out + c.counts.cancelled + c.counts.skipped} of {c.counts.total} target(s) finished
          </h2>
          <div className="progress-track" aria-hidden="true">
            <div className="progress-fill ok" style={{ width: `${(c.counts.success / Math.max(1, c.counts.total)) * 100}%` }} />
            <div className="progress-fill bad" style={{ width: `${((c.counts.failed + c.counts.timed_out) / Math.max(1, c.counts.total)) * 100}%` }} />
          </div>
          <KeyValues
            items={[
              ['Service / operation', `${c.service} ${c.operation}${c.mutating ? ' (mutating)' : ''}`],
              ['Requested by', `${c.requested_by.name} (${c.requested_by.role})`],
              ['Started', <Time value={c.created_at} />],
              ['Finished', <Time value={c.finished_at} />],
              ['Counts', `${c.counts.success} succeeded, ${c.counts.failed} failed, ${c.counts.timed_out} timed out, ${c.counts.in_progress} running, ${c.counts.pending} waiting, ${c.counts.skipped} skipped, ${c.counts.cancelled} cancelled`],
              ['Why', c.status_reason],
            ]}
          />
          {running && can('POST /api/v1/commands/{id}/cancel') && <ConfirmButton label="Cancel command" title="Cancel this command?" message="No new target starts; running ones are stopped." confirmLabel="Cancel command" onConfirm={() => cancel.mutate()} />}
          <ErrorNotice error={cancel.error} />
        </section>
      )}
      <section className="card" aria-labelledby="targets">
        <h2 id="targets">Targets</h2>
        <ErrorNotice error={results.error} />
        {results.data && <DataTable caption="Targets and their results" data={results.data.items} columns={columns} rowKey={(r) => `${r.account_id}/${r.region}`} />}
      </section>
      {open && <Output key={`${open.account_id}/${open.region}`} id={id} target={open} />}
    </Page>
  );
}
