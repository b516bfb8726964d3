import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { type FormEvent, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { useSession } from '../../api/use-session';
import { DataTable } from '../../components/data-table';
import { ConfirmButton, DialogButton } from '../../components/dialog';
import { FormErrors, SelectInput, TextInput } from '../../components/forms';
import { ErrorNotice, Loading, Page, Time } from '../../components/ui';

type User = Schemas['UserDto'];
type Role = User['role'];
const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const roleOptions = ROLES.map((r) => ({ id: r, label: r }));

function UserForm({ close }: { close(): void }) {
  const queries = useQueryClient();
  const [f, setF] = useState<{ username: string; password: string; role: Role }>({ username: '', password: '', role: 'viewer' });
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users', { body: f })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['users'] });
      close();
    },
  });
  const e = fieldErrorsFor(create.error, ['username', 'password', 'role']);
  return (
    <Form validationBehavior="aria"
      className="form"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        create.mutate();
      }}
    >
      <TextInput label="Username" value={f.username} onChange={(v) => setF({ ...f, username: v })} isRequired autoComplete="off" error={e.byField.username} />
      <TextInput label="Password" type="password" value={f.password} onChange={(v) => setF({ ...f, password: v })} isRequired autoComplete="new-password" error={e.byField.password} description="At least 12 characters" />
      <SelectInput label="Role" value={f.role} onChange={(v) => setF({ ...f, role: v as Role })} options={roleOptions} error={e.byField.role} />
      <FormErrors messages={e.other} />
      {!e.other.length && !Object.keys(e.byField).length && <ErrorNotice error={create.error} />}
      <div className="dialog-actions">
        <Button className="button" onPress={close}>
          Cancel
        </Button>
        <Button type="submit" className="button primary" isDisabled={create.isPending}>
          Create user
        </Button>
      </div>
    </Form>
  );
}

export function UsersPage() {
  const me = useSession();
  const queries = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/api/v1/users')) });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Schemas['UpdateUserRequest'] }) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['users'] }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } })),
    onSettled: () => void queries.invalidateQueries({ queryKey: ['users'] }),
  });
  const columns: ColumnDef<User, unknown>[] = [
    { header: 'Username', cell: ({ row }) => <strong>{row.original.username}</strong> },
    {
      header: 'Role',
      cell: ({ row }) => <SelectInput label={`Role of ${row.original.username}`} className="compact" value={row.original.role} onChange={(role) => role !== row.original.role && update.mutate({ id: row.original.id, body: { role: role as Role } })} options={roleOptions} />,
    },
    { header: 'State', cell: ({ row }) => (row.original.disabled ? <span className="badge muted">disabled</span> : <span className="badge ok">active</span>) },
    { header: 'Created', cell: ({ row }) => <Time value={row.original.created_at} /> },
    {
      header: 'Actions',
      cell: ({ row }) => (
        <div className="button-row">
          <Button className="button small" onPress={() => update.mutate({ id: row.original.id, body: { disabled: !row.original.disabled } })} aria-label={`${row.original.disabled ? 'Enable' : 'Disable'} ${row.original.username}`}>
            {row.original.disabled ? 'Enable' : 'Disable'}
          </Button>
          <ConfirmButton label="Delete" title={`Delete ${row.original.username}?`} message="Their sessions end at once." confirmLabel="Delete user" isDisabled={row.original.username === me.username} onConfirm={() => remove.mutate(row.original.id)} />
        </div>
      ),
    },
  ];
  return (
    <Page
      title="Users"
      subtitle="People who sign in, and their roles: viewer < operator < admin."
      actions={
        <DialogButton label="Add user" title="Add a user" variant="primary">
          {(close) => <UserForm close={close} />}
        </DialogButton>
      }
    >
      <ErrorNotice error={users.error ?? update.error ?? remove.error} />
      {users.isPending ? <Loading what="users" /> : users.data && <DataTable caption="Users" data={users.data.items} columns={columns} rowKey={(u) => u.id} />}
    </Page>
  );
}
