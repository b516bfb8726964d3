import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { useCan } from '../../api/use-session';
import { DataTable } from '../../components/data-table';
import { CheckboxInput, FormErrors, TextAreaInput, TextInput } from '../../components/forms';
import { splitList } from '../../components/lists';
import { ErrorNotice, Loading, Page, Pager, StatusBadge, Time } from '../../components/ui';

type Command = Schemas['CommandDto'];
type RunBody = Schemas['RunCommandBody'];

const historyColumns: ColumnDef<Command, unknown>[] = [
  {
    header: 'Command',
    cell: ({ row }) => (
      <Link to="/commands/$id" params={{ id: row.original.id }} className="mono">
        {row.original.command}
      </Link>
    ),
  },
  { header: 'Status', cell: ({ row }) => <StatusBadge status={row.original.status} /> },
  { header: 'Targets', cell: ({ row }) => `${row.original.counts.success} ok · ${row.original.counts.failed + row.original.counts.timed_out} failed · ${row.original.counts.total} total` },
  { header: 'By', cell: ({ row }) => `${row.original.requested_by.name} (${row.original.requested_by.role})` },
  { header: 'Started', cell: ({ row }) => <Time value={row.original.created_at} /> },
];

const FIELDS = ['command', 'targets.account_ids', 'targets.regions', 'targets.account_tags', 'max_concurrency', 'max_errors', 'timeout_seconds', 'allow_mutations'];

function Composer() {
  const navigate = useNavigate();
  const accounts = useQuery({ queryKey: ['accounts'], queryFn: () => unwrap(api.GET('/api/v1/accounts', { params: { query: { limit: 200 } } })) });
  const [command, setCommand] = useState('sts get-caller-identity');
  const [all, setAll] = useState(true);
  const [picked, setPicked] = useState<string[]>([]);
  const [regions, setRegions] = useState('*');
  const [maxConcurrency, setMaxConcurrency] = useState('8');
  const [maxErrors, setMaxErrors] = useState('0');
  const [timeout, setTimeoutSeconds] = useState('300');
  const [allowMutations, setAllowMutations] = useState(false);

  const body = (dryRun: boolean): RunBody => ({
    command: command.trim(),
    targets: { account_ids: all ? 'all' : picked, regions: regions.trim() === '*' ? '*' : splitList(regions) },
    max_concurrency: Number(maxConcurrency),
    max_errors: /%$/.test(maxErrors.trim()) ? maxErrors.trim() : Number(maxErrors),
    timeout_seconds: Number(timeout),
    allow_mutations: allowMutations,
    dry_run: dryRun,
  });
  const check = useMutation({ mutationFn: () => unwrap(api.POST('/api/v1/commands', { body: body(true) })) });
  const run = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/commands', { body: body(false) })),
    onSuccess: (res) => {
      if ('id' in res) void navigate({ to: '/commands/$id', params: { id: res.id } });
    },
  });
  const error = run.error ?? check.error;
  const e = fieldErrorsFor(error, FIELDS);
  const verdict = check.data && 'dry_run' in check.data ? (check.data as Schemas['CommandDryRunDto']) : undefined;
  const reset = () => {
    check.reset();
    run.reset();
  };

  return (
    <section className="card" aria-labelledby="compose">
      <h2 id="compose">Run a command</h2>
      <Form validationBehavior="aria"
        className="form"
        onSubmit={(ev: FormEvent) => {
          ev.preventDefault();
          check.mutate();
        }}
      >
        <TextAreaInput
          label="AWS CLI command"
          monospace
          rows={2}
          value={command}
          onChange={(v) => {
            setCommand(v);
            reset();
          }}
          isRequired
          error={e.byField.command}
          description="<service> <operation> [options], no shell; e.g. ec2 describe-instances --filters Name=instance-state-name,Values=running"
        />
        <fieldset className="fieldset">
          <legend>Targets</legend>
          <CheckboxInput label="Every enabled account" isSelected={all} onChange={(v) => (setAll(v), reset())} />
          {!all && (
            <div className="picklist" role="group" aria-label="Accounts">
              {accounts.isPending && <Loading what="accounts" />}
              {accounts.data?.items.map((a) => (
                <CheckboxInput
                  key={a.account_id}
                  label={`${a.account_id} ${a.name}`}
                  isDisabled={!a.enabled}
                  isSelected={picked.includes(a.account_id)}
                  onChange={(v) => {
                    setPicked(v ? [...picked, a.account_id] : picked.filter((p) => p !== a.account_id));
                    reset();
                  }}
                />
              ))}
            </div>
          )}
          {e.byField['targets.account_ids'] && (
            <p className="field-error" role="alert">
              {e.byField['targets.account_ids']}
            </p>
          )}
          <TextInput label="Regions" value={regions} onChange={(v) => (setRegions(v), reset())} error={e.byField['targets.regions']} description="* = each account's configured regions, or a list" />
        </fieldset>
        <div className="row">
          <TextInput label="Max concurrency" value={maxConcurrency} onChange={setMaxConcurrency} inputMode="numeric" error={e.byField.max_concurrency} />
          <TextInput label="Max errors" value={maxErrors} onChange={setMaxErrors} error={e.byField.max_errors} description="a count or N%" />
          <TextInput label="Timeout per target (s)" value={timeout} onChange={setTimeoutSeconds} inputMode="numeric" error={e.byField.timeout_seconds} />
        </div>
        <CheckboxInput label="Allow mutations" description="(needed for anything that is not a read; operator or admin)" isSelected={allowMutations} onChange={(v) => (setAllowMutations(v), reset())} />
        <FormErrors messages={e.other} />
        {!e.other.length && !Object.keys(e.byField).length && <ErrorNotice error={error} />}
        {verdict && (
          <div className={`notice ${verdict.policy.allowed ? 'ok' : 'error'}`} role="status" aria-label="Policy verdict">
            <strong>{verdict.policy.allowed ? 'Allowed by the command policy' : 'Refused by the command policy'}</strong>
            {verdict.policy.service && (
              <p>
                {verdict.policy.service} {verdict.policy.operation}: {verdict.policy.mutating ? 'mutating' : 'read-only'}
              </p>
            )}
            {(verdict.policy.code || verdict.policy.message) && <p>{[verdict.policy.code, verdict.policy.message].filter(Boolean).join(': ')}</p>}
            <p>
              {verdict.targets_total} target(s): {verdict.targets.slice(0, 12).map((t) => `${t.account_id}/${t.region}`).join(', ')}
              {verdict.targets.length > 12 && ' …'}
            </p>
          </div>
        )}
        <div className="form-actions">
          <Button type="submit" className="button" isDisabled={check.isPending}>
            {check.isPending ? 'Checking…' : 'Check (dry run)'}
          </Button>
          <Button className="button primary" isDisabled={run.isPending || !verdict?.policy.allowed} onPress={() => run.mutate()}>
            {run.isPending ? 'Starting…' : `Run on ${verdict ? verdict.targets_total : '…'} target(s)`}
          </Button>
        </div>
        {!verdict && <p className="hint">Check the command first: the policy's verdict and the targets show before anything runs.</p>}
      </Form>
    </section>
  );
}

export function CommandsPage() {
  const can = useCan();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const history = useQuery({ queryKey: ['commands', 'list', cursor], queryFn: () => unwrap(api.GET('/api/v1/commands', { params: { query: { limit: 20, cursor } } })), refetchInterval: 5000 });
  return (
    <Page title="Commands" subtitle="One AWS CLI command across accounts and regions, checked by the command policy before it runs.">
      {can('POST /api/v1/commands') && <Composer />}
      <section className="card" aria-labelledby="history">
        <h2 id="history">History</h2>
        <ErrorNotice error={history.error} />
        {history.isPending ? <Loading what="commands" /> : history.data && <DataTable caption="Command history" data={history.data.items} columns={historyColumns} rowKey={(c) => c.id} empty="No command has run yet." />}
        <Pager label="Command history" hasPrevious={cursors.length > 0} nextCursor={history.data?.next_cursor} onNext={(c) => setCursors([...cursors, c])} onPrevious={() => setCursors(cursors.slice(0, -1))} />
      </section>
    </Page>
  );
}
