import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { api, type Schemas, unwrap } from '../../api/client';
import { useCan } from '../../api/use-session';
import { DataTable } from '../../components/data-table';
import { SelectInput } from '../../components/forms';
import { ErrorNotice, Loading, Page, Pager, StatusBadge, Time } from '../../components/ui';

type Integration = Schemas['IntegrationDto'];
type Status = Integration['status'];
type Type = Integration['type'];
const STATUSES: Status[] = ['ACTIVE', 'ERROR', 'CONFIGURING', 'TESTING', 'INACTIVE', 'DEPRECATED'];

const columns: ColumnDef<Integration, unknown>[] = [
  {
    header: 'Name',
    cell: ({ row }) => (
      <Link to="/integrations/$id" params={{ id: row.original.id }}>
        {row.original.name}
      </Link>
    ),
  },
  { header: 'Type', accessorKey: 'type' },
  { header: 'Direction', accessorKey: 'direction' },
  {
    header: 'Status',
    cell: ({ row }) => (
      <>
        <StatusBadge status={row.original.status} />
        {row.original.status_reason && <div className="status-message">{row.original.status_reason}</div>}
      </>
    ),
  },
  { header: 'Updated', cell: ({ row }) => <Time value={row.original.updated_at} /> },
];

export function IntegrationsPage() {
  const can = useCan();
  const search = useSearch({ from: '/app/integrations' });
  const navigate = useNavigate({ from: '/integrations' });
  const [trail, setTrail] = useState<string[]>([]);
  const types = useQuery({ queryKey: ['integration-types'], queryFn: () => unwrap(api.GET('/api/v1/integrations/types')), staleTime: 300_000 });
  const query = { status: search.status as Status | undefined, type: search.type as Type | undefined, cursor: search.cursor, limit: 50 };
  const list = useQuery({ queryKey: ['integrations', 'list', query], queryFn: () => unwrap(api.GET('/api/v1/integrations', { params: { query } })), refetchInterval: 5000 });
  return (
    <Page
      title="Integrations"
      subtitle="Where fleet events go and where messages come from, with their health."
      actions={
        can('POST /api/v1/integrations') && (
          <Link to="/integrations/new" className="button primary">
            New integration
          </Link>
        )
      }
    >
      <div className="filters" role="search" aria-label="Filter integrations">
        <SelectInput label="Status" value={search.status ?? ''} onChange={(v) => (setTrail([]), navigate({ search: { ...search, status: v || undefined, cursor: undefined } }))} options={[{ id: '', label: 'Any status' }, ...STATUSES.map((s) => ({ id: s, label: s }))]} />
        <SelectInput label="Type" value={search.type ?? ''} onChange={(v) => (setTrail([]), navigate({ search: { ...search, type: v || undefined, cursor: undefined } }))} options={[{ id: '', label: 'Any type' }, ...(types.data ?? []).map((t) => ({ id: t.type, label: t.type }))]} />
      </div>
      <ErrorNotice error={list.error} onRetry={() => list.refetch()} />
      {list.isPending ? (
        <Loading what="integrations" />
      ) : (
        list.data && (
          <>
            <p className="muted">{list.data.total} integration(s)</p>
            <DataTable caption="Integrations" data={list.data.items} columns={columns} rowKey={(i) => i.id} empty="No integration matches." />
            <Pager
              label="Integrations"
              hasPrevious={trail.length > 0}
              nextCursor={list.data.next_cursor}
              onNext={(cursor) => (setTrail([...trail, search.cursor ?? '']), navigate({ search: { ...search, cursor } }))}
              onPrevious={() => {
                const prev = trail[trail.length - 1];
                setTrail(trail.slice(0, -1));
                void navigate({ search: { ...search, cursor: prev || undefined } });
              }}
            />
          </>
        )
      )}
    </Page>
  );
}
