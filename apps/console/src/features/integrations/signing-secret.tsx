import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { api, type Schemas, unwrap } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { useCan } from '../../api/use-session';
import { ConfirmButton } from '../../components/dialog';
import { TextInput } from '../../components/forms';
import { ErrorNotice, Time } from '../../components/ui';

type Secret = Schemas['SigningSecretDto'];

/** The API's default grace period for the replaced secret (RotateSigningSecretBody.grace_seconds). */
const DEFAULT_GRACE_SECONDS = '86400';

/**
 * A webhook's signing secret, for the roles that may read it (admins): read only when asked (never with the page,
 * never cached), hidden again on request, and rotated with a grace period during which the replaced one still signs.
 */
export function SigningSecret({ id }: { id: string }) {
  const can = useCan();
  const [shown, setShown] = useState<Secret | null>(null);
  const [grace, setGrace] = useState(DEFAULT_GRACE_SECONDS);
  const read = useMutation({ mutationFn: () => unwrap(api.GET('/api/v1/integrations/{id}/signing-secret', { params: { path: { id } } })), onSuccess: setShown });
  const rotate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/integrations/{id}/signing-secret/rotate', { params: { path: { id } }, body: { grace_seconds: Number(grace) } })),
    onSuccess: setShown,
  });
  const rotateErrors = fieldErrorsFor(rotate.error, ['grace_seconds']);
  if (!can('GET /api/v1/integrations/{id}/signing-secret')) return null;
  return (
    <section className="card" aria-labelledby="ov-signing">
      <h2 id="ov-signing">Signing secret</h2>
      <p className="hint">Deliveries carry a webhook-signature made with it (Standard Webhooks); receivers verify with the same secret, and inbound senders sign with it.</p>
      {shown ? (
        <>
          <pre className="code" tabIndex={0} aria-label="Signing secret value">
            {shown.secret}
          </pre>
          {shown.previous_secret_expires_at && (
            <p>
              The replaced secret still signs until <Time value={shown.previous_secret_expires_at} />.
            </p>
          )}
          <Button className="button" onPress={() => setShown(null)}>
            Hide
          </Button>
        </>
      ) : (
        <Button className="button" isDisabled={read.isPending} onPress={() => read.mutate()}>
          Show signing secret
        </Button>
      )}
      {can('POST /api/v1/integrations/{id}/signing-secret/rotate') && (
        <Form validationBehavior="aria" className="inline-form" onSubmit={(e: FormEvent) => e.preventDefault()}>
          <TextInput label="Replaced secret stays valid for (seconds)" value={grace} onChange={setGrace} error={rotateErrors.byField.grace_seconds} description="0 ends it at once, after a leak" />
          <ConfirmButton
            label="Rotate secret"
            variant="primary"
            title="Rotate the signing secret?"
            message={`A new secret signs from now on; the current one also signs for ${Number(grace) || 0} seconds. Give the new one to every receiver before then.`}
            confirmLabel="Rotate"
            isDisabled={rotate.isPending}
            onConfirm={() => rotate.mutate()}
          />
        </Form>
      )}
      <ErrorNotice error={read.error ?? (rotateErrors.byField.grace_seconds ? undefined : rotate.error)} />
    </section>
  );
}
