import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { api, type Schemas, unwrap } from '../../api/client';
import { ErrorNotice, Loading, Page } from '../../components/ui';
import { IntegrationForm } from './integration-form';

const useTypes = () => useQuery({ queryKey: ['integration-types'], queryFn: () => unwrap(api.GET('/api/v1/integrations/types')), staleTime: 300_000 });

export function NewIntegrationPage() {
  const types = useTypes();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Schemas['IntegrationConfigDto']) => unwrap(api.POST('/api/v1/integrations', { body })),
    onSuccess: (created) => {
      void queries.invalidateQueries({ queryKey: ['integrations'] });
      void navigate({ to: '/integrations/$id', params: { id: created.id } });
    },
  });
  return (
    <Page title="New integration" actions={<Link to="/integrations">← Integrations</Link>}>
      <ErrorNotice error={types.error} />
      {types.isPending ? <Loading what="integration types" /> : types.data && <IntegrationForm types={types.data} submitLabel="Create integration" busy={create.isPending} error={create.error} onSubmit={(body) => create.mutate(body)} />}
    </Page>
  );
}

export function EditIntegrationPage() {
  const { id } = useParams({ from: '/app/integrations/$id/edit' });
  const types = useTypes();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const current = useQuery({ queryKey: ['integrations', id], queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}', { params: { path: { id } } })) });
  const save = useMutation({
    mutationFn: (body: Schemas['IntegrationConfigDto']) => unwrap(api.PUT('/api/v1/integrations/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['integrations'] });
      void navigate({ to: '/integrations/$id', params: { id } });
    },
  });
  return (
    <Page title={`Edit ${current.data?.name ?? 'integration'}`} actions={<Link to="/integrations/$id" params={{ id }}>← Back</Link>}>
      <ErrorNotice error={current.error ?? types.error} />
      {(current.isPending || types.isPending) && <Loading what="the integration" />}
      {current.data && types.data && <IntegrationForm types={types.data} initial={current.data} submitLabel="Save changes" busy={save.isPending} error={save.error} onSubmit={(body) => save.mutate(body)} />}
    </Page>
  );
}
