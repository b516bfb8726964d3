import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import type { ResourceSearch } from '../../router';
import { fieldErrorsFor } from '../../api/field-errors';
import { DataTable } from '../../components/data-table';
import { CheckboxInput, SelectInput, TextInput } from '../../components/forms';
import { ErrorNotice, Loading, Page, Pager, Tags, Time } from '../../components/ui';

type Resource = Schemas['ResourceDto'];

const columns: ColumnDef<Resource, unknown>[] = [
  {
    header: 'Name',
    cell: ({ row }) => (
      <Link to="/resources/$arn" params={{ arn: row.original.arn }}>
        {row.original.name || row.original.arn.split(':').slice(5).join(':')}
      </Link>
    ),
  },
  { header: 'Type', accessorKey: 'type' },
  { header: 'Account', accessorKey: 'account_id' },
  { header: 'Region', accessorKey: 'region' },
  { header: 'State', accessorKey: 'state' },
  { header: 'Tags', cell: ({ row }) => <Tags tags={row.original.tags} /> },
  { header: 'Last seen', cell: ({ row }) => (row.original.removed_at ? <span className="badge muted">removed</span> : <Time value={row.original.last_seen_at} />) },
];

const ANY = '';
const options = (counts: Record<string, number> | undefined, anyLabel: string) => [{ id: ANY, label: anyLabel }, ...Object.keys(counts ?? {}).sort().map((k) => ({ id: k, label: `${k} (${counts![k]})` }))];

/** The filter form: a draft of the URL's filters, applied on submit (remounted when the URL changes). */
function Filters({ search, summary, error, onApply }: { search: ResourceSearch; summary: Schemas['ResourceSummaryDto'] | undefined; error: unknown; onApply(s: ResourceSearch): void }) {
  const [draft, setDraft] = useState({ ...search, tags: (search.tag ?? []).join(', ') });
  const fields = fieldErrorsFor(error, ['type', 'account_id', 'region', 'state', 'q', 'tag']);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const tag = draft.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    onApply({ type: draft.type || undefined, account_id: draft.account_id || undefined, region: draft.region || undefined, state: draft.state || undefined, q: draft.q || undefined, tag, include_removed: draft.include_removed || undefined });
  };
  return (
    <Form validationBehavior="aria" className="filters" onSubmit={apply} aria-label="Filter resources">
      <SelectInput label="Type" value={draft.type ?? ANY} onChange={(v) => setDraft({ ...draft, type: v || undefined })} options={options(summary?.by_type, 'Any type')} error={fields.byField.type} />
      <SelectInput label="Account" value={draft.account_id ?? ANY} onChange={(v) => setDraft({ ...draft, account_id: v || undefined })} options={options(summary?.by_account, 'Any account')} error={fields.byField.account_id} />
      <SelectInput label="Region" value={draft.region ?? ANY} onChange={(v) => setDraft({ ...draft, region: v || undefined })} options={options(summary?.by_region, 'Any region')} error={fields.byField.region} />
      <TextInput label="State" value={draft.state ?? ''} onChange={(v) => setDraft({ ...draft, state: v })} placeholder="running" error={fields.byField.state} />
      <TextInput label="Tags" value={draft.tags} onChange={(v) => setDraft({ ...draft, tags: v })} placeholder="env:prod, team:ops" description="key:value, comma-separated; all must match" error={fields.byField.tag} />
      <TextInput label="Name contains" type="search" value={draft.q ?? ''} onChange={(v) => setDraft({ ...draft, q: v })} error={fields.byField.q} />
      <CheckboxInput label="Include removed" isSelected={!!draft.include_removed} onChange={(v) => setDraft({ ...draft, include_removed: v || undefined })} />
      <div className="filter-actions">
        <Button type="submit" className="button primary">
          Apply filters
        </Button>
        <Button className="button" onPress={() => onApply({})}>
          Clear
        </Button>
      </div>
    </Form>
  );
}

/** The registry, filtered in the URL (so a filtered view can be shared and survives a sign-in), paged by cursor. */
export function ResourcesPage() {
  const search = useSearch({ from: '/app/resources' });
  const navigate = useNavigate({ from: '/resources' });
  const [trail, setTrail] = useState<string[]>([]);

  const summary = useQuery({ queryKey: ['resources', 'summary'], queryFn: () => unwrap(api.GET('/api/v1/resources/summary')) });
  const query = { type: search.type, account_id: search.account_id, region: search.region, state: search.state, q: search.q, tag: search.tag?.length ? search.tag : undefined, include_removed: search.include_removed, cursor: search.cursor, limit: 50 };
  const page = useQuery({ queryKey: ['resources', 'list', query], queryFn: () => unwrap(api.GET('/api/v1/resources', { params: { query } })) });
  const { cursor: _cursor, ...filters } = search;

  return (
    <Page title="Resources" subtitle="Every account and region in one place. The filters are part of the address: bookmark or share a view.">
      <Filters
        key={JSON.stringify(filters)}
        search={search}
        summary={summary.data}
        error={page.error}
        onApply={(s) => {
          setTrail([]);
          void navigate({ search: s });
        }}
      />
      <ErrorNotice error={page.error} />
      {page.isPending ? (
        <Loading what="resources" />
      ) : (
        page.data && (
          <>
            <DataTable caption="Resources" data={page.data.items} columns={columns} rowKey={(r) => r.arn} empty="No resource matches these filters." />
            <Pager
              label="Resources"
              hasPrevious={trail.length > 0 || !!search.cursor}
              nextCursor={page.data.next_cursor}
              onNext={(cursor) => {
                setTrail([...trail, search.cursor ?? '']);
                void navigate({ search: { ...search, cursor } });
              }}
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
