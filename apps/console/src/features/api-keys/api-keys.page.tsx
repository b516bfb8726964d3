import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { DataTable } from '../../components/data-table';
import { ConfirmButton, DialogButton } from '../../components/dialog';
import { FormErrors, SelectInput, TextInput } from '../../components/forms';
import { ErrorNotice, Loading, Page, Time } from '../../components/ui';

type Key = Schemas['ApiKeyDto'];
type Role = Key['role'];

function KeyForm({ close }: { close(): void }) {
  const queries = useQueryClient();
  const [f, setF] = useState<{ name: string; role: Role; expires_at: string }>({ name: '', role: 'viewer', expires_at: '' });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/api-keys', { body: { name: f.name.trim(), role: f.role, expires_at: f.expires_at ? new Date(f.expires_at).toISOString() : undefined } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const e = fieldErrorsFor(create.error, ['name', 'role', 'expires_at']);
  if (create.data)
    return (
      <div className="form">
        <div className="notice ok" role="status">
          <strong>Key created. Copy it now: it is shown this once.</strong>
          <pre className="code" tabIndex={0} aria-label="The new API key">
            {create.data.key}
          </pre>
          <p>Send it as the X-API-Key header.</p>
        </div>
        <div className="dialog-actions">
          <Button className="button primary" onPress={close} autoFocus>
            Done
          </Button>
        </div>
      </div>
    );
  return (
    <Form validationBehavior="aria"
      className="form"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        create.mutate();
      }}
    >
      <TextInput label="Name" value={f.name} onChange={(v) => setF({ ...f, name: v })} isRequired error={e.byField.name} description="Who or what uses it, e.g. ci-deploy" />
      <SelectInput label="Role" value={f.role} onChange={(v) => setF({ ...f, role: v as Role })} options={(['viewer', 'operator', 'admin'] as Role[]).map((r) => ({ id: r, label: r }))} error={e.byField.role} />
      <TextInput label="Expires (optional, local time)" value={f.expires_at} onChange={(v) => setF({ ...f, expires_at: v })} placeholder="2027-01-31T00:00" error={e.byField.expires_at} />
      <FormErrors messages={e.other} />
      {!e.other.length && !Object.keys(e.byField).length && <ErrorNotice error={create.error} />}
      <div className="dialog-actions">
        <Button className="button" onPress={close}>
          Cancel
        </Button>
        <Button type="submit" className="button primary" isDisabled={create.isPending}>
          Create key
        </Button>
      </div>
    </Form>
  );
}

export function ApiKeysPage() {
  const queries = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => unwrap(api.GET('/api/v1/api-keys')) });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const columns: ColumnDef<Key, unknown>[] = [
    { header: 'Name', cell: ({ row }) => <strong>{row.original.name}</strong> },
    { header: 'Key', cell: ({ row }) => <span className="mono small">{row.original.prefix}…</span> },
    { header: 'Role', accessorKey: 'role' },
    { header: 'Created by', accessorKey: 'created_by' },
    { header: 'Created', cell: ({ row }) => <Time value={row.original.created_at} /> },
    { header: 'Last used', cell: ({ row }) => <Time value={row.original.last_used_at} /> },
    { header: 'Expires', cell: ({ row }) => <Time value={row.original.expires_at} /> },
    {
      header: 'Actions',
      cell: ({ row }) =>
        row.original.revoked_at ? (
          <span className="badge muted">revoked</span>
        ) : (
          <ConfirmButton label="Revoke" title={`Revoke ${row.original.name}?`} message="Requests with this key are refused from now on." confirmLabel="Revoke key" onConfirm={() => revoke.mutate(row.original.id)} />
        ),
    },
  ];
  return (
    <Page
      title="API keys"
      subtitle="Keys for services and scripts. The secret is shown once, at creation; only its prefix is kept visible."
      actions={
        <DialogButton label="Create API key" title="Create an API key" variant="primary">
          {(close) => <KeyForm close={close} />}
        </DialogButton>
      }
    >
      <ErrorNotice error={keys.error ?? revoke.error} />
      {keys.isPending ? <Loading what="API keys" /> : keys.data && <DataTable caption="API keys" data={keys.data.items} columns={columns} rowKey={(k) => k.id} />}
    </Page>
  );
}
