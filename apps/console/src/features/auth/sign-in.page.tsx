import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { session } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { TextInput } from '../../components/forms';
import { ErrorNotice } from '../../components/ui';
import { safeRedirect } from '../../search';

export function SignInPage() {
  const search = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(username.trim(), password);
      queries.clear();
      await navigate({ to: safeRedirect(search.redirect), replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const fields = fieldErrorsFor(error, ['username', 'password']);

  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card">
        <h1 ref={heading} tabIndex={-1}>
          Sign in to AWS MCP Server
        </h1>
        {search.expired && (
          <p className="notice info" role="status">
            Your session has ended. Sign in again to go back to where you were.
          </p>
        )}
        <ErrorNotice error={error} />
        <Form validationBehavior="aria" onSubmit={submit} className="form">
          <TextInput label="Username" name="username" value={username} onChange={setUsername} autoComplete="username" isRequired error={fields.byField.username} />
          <TextInput label="Password" name="password" type="password" value={password} onChange={setPassword} autoComplete="current-password" isRequired error={fields.byField.password} />
          <Button type="submit" className="button primary" isDisabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </Form>
      </div>
    </main>
  );
}
