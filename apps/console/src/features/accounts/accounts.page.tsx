import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useEffect, useEffectEvent, useState } from 'react';
import { Button, Form, Label, ProgressBar } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { useCan } from '../../api/use-session';
import { DataTable } from '../../components/data-table';
import { DialogButton } from '../../components/dialog';
import { FormErrors, TextInput } from '../../components/forms';
import { parsePairs, splitList } from '../../components/lists';
import { ErrorNotice, Loading, Page, StatusBadge, Time } from '../../components/ui';

type Account = Schemas['AccountDto'];
type SyncRun = Schemas['SyncRunDto'];

const regionsText = (r: Account['regions']) => (r === '*' ? 'all enabled' : r.join(', '));

function AddAccountForm({ close }: { close(): void }) {
  const queries = useQueryClient();
  const [f, setF] = useState({ account_id: '', name: '', role_arn: '', external_id: '', regions: '', sync_interval_minutes: '60', tags: '' });
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/accounts', {
          body: {
            account_id: f.account_id.trim(),
            name: f.name.trim(),
            role_arn: f.role_arn.trim() || undefined,
            external_id: f.external_id || undefined,
            regions: f.regions.trim() === '*' ? '*' : splitList(f.regions),
            sync_interval_minutes: f.sync_interval_minutes ? Number(f.sync_interval_minutes) : 60,
            enabled: true,
            tags: f.tags ? parsePairs(f.tags) : undefined,
          },
        }),
      ),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['accounts'] });
      close();
    },
  });
  const e = fieldErrorsFor(add.error, ['account_id', 'name', 'role_arn', 'external_id', 'regions', 'sync_interval_minutes', 'tags']);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  return (
    <Form validationBehavior="aria"
      className="form"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        add.mutate();
      }}
    >
      <TextInput label="Account id" value={f.account_id} onChange={set('account_id')} isRequired inputMode="numeric" error={e.byField.account_id} description="12 digits" />
      <TextInput label="Name" value={f.name} onChange={set('name')} isRequired error={e.byField.name} />
      <TextInput label="Role ARN" value={f.role_arn} onChange={set('role_arn')} error={e.byField.role_arn} description="The role to assume in that account; empty: the service's own credentials" />
      <TextInput label="External id" type="password" value={f.external_id} onChange={set('external_id')} error={e.byField.external_id} description="Write-only: never shown again" />
      <TextInput label="Regions" value={f.regions} onChange={set('regions')} isRequired error={e.byField.regions} description='Comma-separated, or * for every enabled region' placeholder="us-east-1, eu-west-1" />
      <TextInput label="Sync every (minutes)" value={f.sync_interval_minutes} onChange={set('sync_interval_minutes')} inputMode="numeric" error={e.byField.sync_interval_minutes} />
      <TextInput label="Tags" value={f.tags} onChange={set('tags')} placeholder="env=prod, team=ops" error={e.byField.tags} />
      <FormErrors messages={e.other} />
      {!e.other.length && !Object.keys(e.byField).length && <ErrorNotice error={add.error} />}
      <div className="dialog-actions">
        <Button className="button" onPress={close}>
          Cancel
        </Button>
        <Button type="submit" className="button primary" isDisabled={add.isPending}>
          {add.isPending ? 'Checking access…' : 'Add account'}
        </Button>
      </div>
    </Form>
  );
}

function DiscoverForm({ close }: { close(): void }) {
  const queries = useQueryClient();
  const [f, setF] = useState({ role_name: 'OrganizationAccountAccessRole', external_id: '', regions: '' });
  const discover = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/accounts/discover', {
          body: { role_name: f.role_name.trim(), external_id: f.external_id || undefined, regions: !f.regions.trim() || f.regions.trim() === '*' ? '*' : splitList(f.regions), sync_interval_minutes: 60, enabled: true },
        }),
      ),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['accounts'] }),
  });
  const e = fieldErrorsFor(discover.error, ['role_name', 'external_id', 'regions']);
  return (
    <Form validationBehavior="aria"
      className="form"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        discover.mutate();
      }}
    >
      <p>Registers every active account of the AWS Organization this service's credentials manage, each through the role below.</p>
      <TextInput label="Role name in each member account" value={f.role_name} onChange={(v) => setF({ ...f, role_name: v })} isRequired error={e.byField.role_name} />
      <TextInput label="External id" type="password" value={f.external_id} onChange={(v) => setF({ ...f, external_id: v })} error={e.byField.external_id} />
      <TextInput label="Regions" value={f.regions} onChange={(v) => setF({ ...f, regions: v })} placeholder="us-east-1, eu-west-1 (or *)" error={e.byField.regions} />
      <FormErrors messages={e.other} />
      {!e.other.length && !Object.keys(e.byField).length && <ErrorNotice error={discover.error} />}
      {discover.data && (
        <div role="status" className="notice info">
          <strong>{discover.data.created} account(s) registered.</strong>
          <ul>
            {discover.data.accounts.map((a) => (
              <li key={a.account_id}>
                {a.account_id} {a.name}: {a.outcome}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="dialog-actions">
        <Button className="button" onPress={close}>
          {discover.data ? 'Close' : 'Cancel'}
        </Button>
        <Button type="submit" className="button primary" isDisabled={discover.isPending}>
          {discover.isPending ? 'Discovering…' : 'Discover accounts'}
        </Button>
      </div>
    </Form>
  );
}

/** A sync in progress: tasks done of total, then the per-task outcome. */
function SyncProgress({ id, onDone }: { id: string; onDone(): void }) {
  const run = useQuery({
    queryKey: ['sync', id],
    queryFn: () => unwrap(api.GET('/api/v1/inventory/sync/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'RUNNING' ? false : 1000),
  });
  const r: SyncRun | undefined = run.data;
  const finished = !!r && r.status !== 'RUNNING';
  const done = useEffectEvent(onDone);
  useEffect(() => {
    if (finished) done();
  }, [finished]);
  if (!r) return run.error ? <ErrorNotice error={run.error} /> : <Loading what="the sync" />;
  return (
    <div className="sync-progress" role="status" aria-live="polite">
      <ProgressBar value={r.tasks_done} maxValue={Math.max(1, r.tasks_total)} className="progress">
        {({ percentage }) => (
          <>
            <Label>
              Sync <StatusBadge status={r.status} /> {r.tasks_done} of {r.tasks_total} tasks
            </Label>
            <div className="progress-track">
              <div className="progress-fill" style={{ width: `${percentage ?? 0}%` }} />
            </div>
          </>
        )}
      </ProgressBar>
      {r.status !== 'RUNNING' && (
        <p>
          {r.resources_seen} resources seen: {r.discovered} new, {r.changed} changed, {r.removed} removed{r.tasks_failed ? `; ${r.tasks_failed} task(s) failed` : ''}.
          {r.status_reason && ` ${r.status_reason}`}
        </p>
      )}
      {r.tasks.some((t) => t.error) && (
        <ul className="task-errors">
          {r.tasks
            .filter((t) => t.error)
            .map((t) => (
              <li key={`${t.account_id}/${t.region}`}>
                {t.account_id} {t.region}: {t.error}
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}

export function AccountsPage() {
  const can = useCan();
  const queries = useQueryClient();
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: () => unwrap(api.GET('/api/v1/accounts', { params: { query: { limit: 200 } } })) });
  const [syncs, setSyncs] = useState<Record<string, string>>({});
  const sync = useMutation({
    mutationFn: (accountIds?: string[]) => unwrap(api.POST('/api/v1/inventory/sync', { body: accountIds ? { account_ids: accountIds } : {} })),
    onSuccess: (res, accountIds) => setSyncs((s) => ({ ...s, [accountIds?.join(',') ?? '*']: res.id })),
  });
  const done = () => {
    void queries.invalidateQueries({ queryKey: ['accounts'] });
    void queries.invalidateQueries({ queryKey: ['resources'] });
  };

  const columns: ColumnDef<Account, unknown>[] = [
    { header: 'Account', cell: ({ row }) => <span className="mono">{row.original.account_id}</span> },
    { header: 'Name', accessorKey: 'name' },
    {
      header: 'Status',
      cell: ({ row }) => (
        <>
          <StatusBadge status={row.original.status} />
          {row.original.status_message && <div className="status-message">{row.original.status_message}</div>}
        </>
      ),
    },
    { header: 'Regions', cell: ({ row }) => regionsText(row.original.regions) },
    { header: 'Role', cell: ({ row }) => (row.original.role_arn ? <span className="mono small">{row.original.role_arn}</span> : <span className="muted">own credentials</span>) },
    { header: 'Last sync', cell: ({ row }) => <Time value={row.original.last_sync_at} /> },
    {
      header: 'Sync',
      cell: ({ row }) => {
        const id = syncs[row.original.account_id];
        return (
          <div>
            {can('POST /api/v1/inventory/sync') && (
              <Button className="button small" aria-label={`Sync ${row.original.name} now`} isDisabled={!row.original.enabled || (sync.isPending && sync.variables?.[0] === row.original.account_id)} onPress={() => sync.mutate([row.original.account_id])}>
                Sync now
              </Button>
            )}
            {id && <SyncProgress key={id} id={id} onDone={done} />}
          </div>
        );
      },
    },
  ];

  return (
    <Page
      title="Accounts"
      subtitle="The AWS accounts of the fleet, how they are reached, and whether access works."
      actions={
        <>
          {can('POST /api/v1/inventory/sync') && (
            <Button className="button" onPress={() => sync.mutate(undefined)}>
              Sync all
            </Button>
          )}
          {can('POST /api/v1/accounts/discover') && <DialogButton label="Discover from Organizations" title="Discover accounts from AWS Organizations">{(close) => <DiscoverForm close={close} />}</DialogButton>}
          {can('POST /api/v1/accounts') && (
            <DialogButton label="Add account" title="Add an AWS account" variant="primary">
              {(close) => <AddAccountForm close={close} />}
            </DialogButton>
          )}
        </>
      }
    >
      <ErrorNotice error={sync.error} />
      {syncs['*'] && <SyncProgress key={syncs['*']} id={syncs['*']} onDone={done} />}
      <ErrorNotice error={accounts.error} onRetry={() => accounts.refetch()} />
      {accounts.isPending ? <Loading what="accounts" /> : accounts.data && <DataTable caption="Accounts" data={accounts.data.items} columns={columns} rowKey={(a) => a.account_id} empty="No account registered yet." />}
    </Page>
  );
}
