import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { paths } from '@app/api-client';
import { api, type Schemas, unwrap } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { DataTable } from '../../components/data-table';
import { SelectInput, TextInput } from '../../components/forms';
import { ErrorNotice, Loading, Page, Pager, Time } from '../../components/ui';

type Entry = Schemas['AuditEntryDto'];

const columns: ColumnDef<Entry, unknown>[] = [
  { header: 'When', cell: ({ row }) => <Time value={row.original.at} /> },
  { header: 'Who', cell: ({ row }) => `${row.original.actor_name ?? row.original.actor_kind} (${row.original.role ?? '—'})` },
  { header: 'Request', cell: ({ row }) => <span className="mono small">{`${row.original.method} ${row.original.path}`}</span> },
  { header: 'Status', cell: ({ row }) => <span className={`badge ${row.original.status < 400 ? 'ok' : 'bad'}`}>{row.original.status}</span> },
  { header: 'From', accessorKey: 'client_address' },
  { header: 'Correlation id', cell: ({ row }) => <span className="mono small">{row.original.correlation_id}</span> },
];

type AuditSearch = { actor?: string; method?: string; path?: string; status?: string };

function Filters({ search, error, onApply }: { search: AuditSearch; error: unknown; onApply(s: AuditSearch): void }) {
  const [draft, setDraft] = useState(search);
  const e = fieldErrorsFor(error, ['actor', 'method', 'path', 'status']);
  return (
    <Form validationBehavior="aria"
      className="filters"
      aria-label="Filter the audit log"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        onApply({ actor: draft.actor || undefined, method: draft.method || undefined, path: draft.path || undefined, status: draft.status || undefined });
      }}
    >
      <TextInput label="Who" value={draft.actor ?? ''} onChange={(v) => setDraft({ ...draft, actor: v })} error={e.byField.actor} />
      <SelectInput label="Method" value={draft.method ?? ''} onChange={(v) => setDraft({ ...draft, method: v })} options={['', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ id: m, label: m || 'Any' }))} error={e.byField.method} />
      <TextInput label="Path starts with" value={draft.path ?? ''} onChange={(v) => setDraft({ ...draft, path: v })} placeholder="/api/v1/integrations" error={e.byField.path} />
      <TextInput label="Status" value={draft.status ?? ''} onChange={(v) => setDraft({ ...draft, status: v })} inputMode="numeric" error={e.byField.status} />
      <div className="filter-actions">
        <Button type="submit" className="button primary">
          Apply filters
        </Button>
      </div>
    </Form>
  );
}

export function AuditPage() {
  const search = useSearch({ from: '/app/audit' });
  const navigate = useNavigate({ from: '/audit' });
  const [trail, setTrail] = useState<string[]>([]);
  type AuditQuery = NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>;
  const query: AuditQuery = { actor: search.actor, method: search.method as AuditQuery['method'], path: search.path, status: search.status ? Number(search.status) : undefined, cursor: search.cursor, limit: 50 };
  const page = useQuery({ queryKey: ['audit', query], queryFn: () => unwrap(api.GET('/api/v1/audit', { params: { query } })) });
  const { cursor: _cursor, ...filters } = search;
  return (
    <Page title="Audit log" subtitle="Every change anyone asked for, allowed or not, newest first.">
      <Filters
        key={JSON.stringify(filters)}
        search={search}
        error={page.error}
        onApply={(s) => {
          setTrail([]);
          void navigate({ search: s });
        }}
      />
      <ErrorNotice error={page.error} />
      {page.isPending ? <Loading what="the audit log" /> : page.data && <DataTable caption="Audit log" data={page.data.items} columns={columns} rowKey={(r) => r.id} empty="Nothing recorded." />}
      <Pager
        label="Audit log"
        hasPrevious={trail.length > 0}
        nextCursor={page.data?.next_cursor}
        onNext={(cursor) => (setTrail([...trail, search.cursor ?? '']), navigate({ search: { ...search, cursor } }))}
        onPrevious={() => {
          const prev = trail[trail.length - 1];
          setTrail(trail.slice(0, -1));
          void navigate({ search: { ...search, cursor: prev || undefined } });
        }}
      />
    </Page>
  );
}
