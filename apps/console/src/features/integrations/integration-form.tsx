import { type FormEvent, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { Schemas } from '../../api/client';
import { fieldErrorsFor } from '../../api/field-errors';
import { CheckboxInput, FormErrors, SelectInput, TextAreaInput, TextInput } from '../../components/forms';
import { pairsText, parsePairs, splitList } from '../../components/lists';
import { ErrorNotice } from '../../components/ui';

type Config = Schemas['IntegrationConfigDto'];
type Integration = Schemas['IntegrationDto'];
type TypeInfo = Schemas['IntegrationTypeDto'];
type ConnectionField = Schemas['ConnectionFieldDto'];
type Auth = Schemas['AuthConfigDto'];
type AuthType = Auth['type'];

/** What each auth type asks for (AuthConfigDto's fields; docs/integrations.md "Auth types"). */
const AUTH_FIELDS: Record<AuthType, Array<{ name: keyof Auth & string; label: string; kind: 'string' | 'secret' | 'list' | 'select' | 'json' | 'text'; options?: string[] }>> = {
  NONE: [],
  API_KEY: [
    { name: 'api_key', label: 'API key', kind: 'secret' },
    { name: 'name', label: 'Header or parameter name', kind: 'string' },
    { name: 'in', label: 'Sent in', kind: 'select', options: ['header', 'query'] },
  ],
  BASIC: [
    { name: 'username', label: 'Username', kind: 'string' },
    { name: 'password', label: 'Password', kind: 'secret' },
  ],
  BEARER_TOKEN: [{ name: 'token', label: 'Token', kind: 'secret' }],
  OAUTH2: [
    { name: 'client_id', label: 'Client id', kind: 'string' },
    { name: 'client_secret', label: 'Client secret', kind: 'secret' },
    { name: 'token_url', label: 'Token URL', kind: 'string' },
    { name: 'scopes', label: 'Scopes', kind: 'list' },
    { name: 'audience', label: 'Audience', kind: 'string' },
  ],
  OAUTH1: [
    { name: 'consumer_key', label: 'Consumer key', kind: 'string' },
    { name: 'consumer_secret', label: 'Consumer secret', kind: 'secret' },
    { name: 'token', label: 'Token', kind: 'string' },
    { name: 'token_secret', label: 'Token secret', kind: 'secret' },
  ],
  AWS_SIG_V4: [
    { name: 'access_key_id', label: 'Access key id', kind: 'string' },
    { name: 'secret_access_key', label: 'Secret access key', kind: 'secret' },
    { name: 'session_token', label: 'Session token', kind: 'secret' },
    { name: 'service', label: 'Service', kind: 'string' },
    { name: 'region', label: 'Region', kind: 'string' },
  ],
  CERTIFICATE: [
    { name: 'certificate', label: 'Client certificate (PEM)', kind: 'text' },
    { name: 'private_key', label: 'Private key (PEM)', kind: 'secret' },
    { name: 'passphrase', label: 'Passphrase', kind: 'secret' },
    { name: 'ca', label: 'CA (PEM)', kind: 'text' },
  ],
  CUSTOM: [{ name: 'custom', label: 'Provider settings (JSON, with "provider")', kind: 'json' }],
};

type Values = Record<string, string | boolean>;
interface SubscriptionRow {
  subjects: string;
  account_id: string;
  region: string;
  resource_type: string;
}

const RETRY_DEFAULTS: Config['retry'] = { enabled: true, max_attempts: 3, initial_backoff_seconds: 1, max_backoff_seconds: 60, backoff_multiplier: 2, retry_on_status_codes: [429, 500, 502, 503, 504] };
const HEALTH_DEFAULTS: Config['health_check'] = { enabled: true, interval_seconds: 300, timeout_seconds: 30, failure_threshold: 3, success_threshold: 1, method: 'GET', expected_status_code: 200, headers: {} };
const DELIVERY_DEFAULTS: Config['delivery'] = { parallel: false, order_by: 'INTEGRATION', max_in_flight: 16, circuit_failure_threshold: 5, circuit_cooldown_seconds: 30 };

const asText = (v: unknown, kind: string): string | boolean => {
  if (kind === 'boolean') return v === true;
  if (v === undefined || v === null) return '';
  if (kind === 'list') return Array.isArray(v) ? v.join(', ') : String(v);
  if (kind === 'json') return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  return String(v);
};

/** The form's values (flat, keyed by the API's field paths) from an integration, or a new one's defaults. */
function initialValues(i: Integration | undefined): Values {
  const v: Values = {
    name: i?.name ?? '',
    description: i?.description ?? '',
    type: i?.type ?? 'WEBHOOK',
    direction: i?.direction ?? 'OUTBOUND',
    tags: pairsText(i?.tags),
    timeout_seconds: String(i?.timeout_seconds ?? 30),
    rate_limit_per_minute: String(i?.rate_limit_per_minute ?? 60),
    'auth.type': i?.auth.type ?? 'NONE',
  };
  for (const [k, val] of Object.entries(i?.connection ?? {})) v[`connection.${k}`] = typeof val === 'boolean' ? val : asText(val, typeof val === 'object' ? (Array.isArray(val) && val.every((x) => typeof x === 'string') ? 'list' : 'json') : 'string');
  for (const fields of Object.values(AUTH_FIELDS)) for (const f of fields) if (i?.auth[f.name] !== undefined) v[`auth.${f.name}`] = asText(i.auth[f.name], f.kind);
  const retry = i?.retry ?? RETRY_DEFAULTS;
  v['retry.enabled'] = retry.enabled;
  for (const k of ['max_attempts', 'initial_backoff_seconds', 'max_backoff_seconds', 'backoff_multiplier'] as const) v[`retry.${k}`] = String(retry[k]);
  v['retry.retry_on_status_codes'] = retry.retry_on_status_codes.join(', ');
  const hc = i?.health_check ?? HEALTH_DEFAULTS;
  v['health_check.enabled'] = hc.enabled;
  for (const k of ['interval_seconds', 'timeout_seconds', 'failure_threshold', 'success_threshold', 'expected_status_code'] as const) v[`health_check.${k}`] = String(hc[k]);
  v['health_check.endpoint'] = hc.endpoint ?? '';
  v['health_check.method'] = hc.method;
  return v;
}

const num = (s: string | boolean | undefined): number => (typeof s === 'string' && s.trim() !== '' ? Number(s) : NaN);
const jsonOr = (s: string, field: string, bad: string[]): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    bad.push(field);
    return undefined;
  }
};

/** The connection settings that apply to the chosen direction. */
export const fieldsFor = (type: TypeInfo | undefined, direction: string): ConnectionField[] => (type?.connection_fields ?? []).filter((f) => !f.directions.length || f.directions.includes(direction));

/**
 * Create or edit an integration, the form drawn from the chosen type (GET /integrations/types: its directions,
 * auth types and connection settings); the API's validation messages appear next to the fields they name.
 */
export function IntegrationForm({ types, initial, submitLabel, busy, error, onSubmit }: { types: TypeInfo[]; initial?: Integration; submitLabel: string; busy: boolean; error: unknown; onSubmit(body: Config): void }) {
  const [v, setV] = useState<Values>(() => initialValues(initial));
  const [subs, setSubs] = useState<SubscriptionRow[]>(() =>
    (initial?.subscriptions ?? []).map((s) => ({ subjects: s.subjects.join(', '), account_id: s.filters?.account_id ?? '', region: s.filters?.region ?? '', resource_type: s.filters?.resource_type ?? '' })),
  );
  const [jsonErrors, setJsonErrors] = useState<string[]>([]);
  const set = (path: string) => (value: string | boolean) => setV((old) => ({ ...old, [path]: value }));
  const str = (path: string) => String(v[path] ?? '');

  const type = types.find((t) => t.type === v.type);
  const direction = str('direction');
  const connectionFields = fieldsFor(type, direction);
  const authType = (type?.auth_types.includes(str('auth.type')) ? str('auth.type') : 'NONE') as AuthType;
  const sends = direction !== 'INBOUND';

  const allPaths = [
      'name',
      'description',
      'type',
      'direction',
      'tags',
      'timeout_seconds',
      'rate_limit_per_minute',
      'auth.type',
      ...AUTH_FIELDS[authType].map((f) => `auth.${f.name}`),
      ...(connectionFields.length ? connectionFields.map((f) => `connection.${f.name}`) : ['connection']),
      ...['enabled', 'max_attempts', 'initial_backoff_seconds', 'max_backoff_seconds', 'backoff_multiplier', 'retry_on_status_codes'].map((k) => `retry.${k}`),
      ...['enabled', 'interval_seconds', 'timeout_seconds', 'failure_threshold', 'success_threshold', 'endpoint', 'method', 'expected_status_code'].map((k) => `health_check.${k}`),
      ...subs.flatMap((_, i) => [`subscriptions.${i}.subjects`, `subscriptions.${i}.filters.account_id`, `subscriptions.${i}.filters.region`, `subscriptions.${i}.filters.resource_type`]),
  ];
  const api = fieldErrorsFor(error, allPaths);
  const errs: Record<string, string> = { ...api.byField };
  for (const f of jsonErrors) errs[f] = 'is not valid JSON';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const bad: string[] = [];
    const connection: Record<string, unknown> = {};
    if (connectionFields.length) {
      // Keep settings the form does not show (another direction's, or ones added through the API).
      for (const [k, val] of Object.entries(initial?.connection ?? {})) connection[k] = val;
      for (const f of connectionFields) {
        const raw = v[`connection.${f.name}`];
        const path = `connection.${f.name}`;
        if (f.kind === 'boolean') {
          if (raw !== undefined) connection[f.name] = raw === true;
          continue;
        }
        const text = typeof raw === 'string' ? raw.trim() : '';
        if (!text) {
          delete connection[f.name];
          continue;
        }
        connection[f.name] = f.kind === 'number' ? Number(text) : f.kind === 'list' ? splitList(text) : f.kind === 'json' ? jsonOr(text, path, bad) : text;
      }
    } else {
      const text = str('connection').trim();
      Object.assign(connection, text ? (jsonOr(text, 'connection', bad) as Record<string, unknown>) : {});
    }
    // `name` and `in` are API_KEY's, with these defaults (AuthConfigDto); other types ignore them.
    const auth: Auth = { type: authType, name: 'X-API-Key', in: 'header' };
    for (const f of AUTH_FIELDS[authType]) {
      const text = str(`auth.${f.name}`).trim();
      if (!text) continue;
      const value = f.kind === 'list' ? splitList(text) : f.kind === 'json' ? jsonOr(text, `auth.${f.name}`, bad) : text;
      (auth as Record<string, unknown>)[f.name] = value;
    }
    setJsonErrors(bad);
    if (bad.length) return;
    onSubmit({
      name: str('name').trim(),
      description: str('description'),
      type: str('type') as Config['type'],
      direction: direction as Config['direction'],
      version: initial?.version ?? '1.0.0',
      auth,
      connection,
      tags: parsePairs(str('tags')),
      metadata: initial?.metadata ?? {},
      enabled: initial?.enabled ?? true,
      timeout_seconds: num(v.timeout_seconds),
      rate_limit_per_minute: num(v.rate_limit_per_minute),
      retry: {
        enabled: v['retry.enabled'] === true,
        max_attempts: num(v['retry.max_attempts']),
        initial_backoff_seconds: num(v['retry.initial_backoff_seconds']),
        max_backoff_seconds: num(v['retry.max_backoff_seconds']),
        backoff_multiplier: num(v['retry.backoff_multiplier']),
        retry_on_status_codes: splitList(str('retry.retry_on_status_codes')).map(Number),
      },
      health_check: {
        ...(initial?.health_check ?? HEALTH_DEFAULTS),
        enabled: v['health_check.enabled'] === true,
        interval_seconds: num(v['health_check.interval_seconds']),
        timeout_seconds: num(v['health_check.timeout_seconds']),
        failure_threshold: num(v['health_check.failure_threshold']),
        success_threshold: num(v['health_check.success_threshold']),
        expected_status_code: num(v['health_check.expected_status_code']),
        endpoint: str('health_check.endpoint').trim() || undefined,
        method: str('health_check.method') as Config['health_check']['method'],
      },
      subscriptions: sends
        ? subs.map((s) => ({
            subjects: splitList(s.subjects),
            filters: s.account_id || s.region || s.resource_type ? { account_id: s.account_id || undefined, region: s.region || undefined, resource_type: s.resource_type || undefined } : undefined,
          }))
        : [],
      delivery: initial?.delivery ?? DELIVERY_DEFAULTS,
    });
  };

  const connectionInput = (f: ConnectionField) => {
    const path = `connection.${f.name}`;
    const label = `${f.label}${f.required_for.includes(direction) ? ' *' : ''}`;
    const common = { key: path, label, error: errs[path], description: f.description, name: path };
    switch (f.kind) {
      case 'boolean':
        return <CheckboxInput key={path} name={path} label={f.label} description={f.description} isSelected={v[path] === true} onChange={set(path)} />;
      case 'text':
      case 'json':
        return <TextAreaInput {...common} monospace value={str(path)} onChange={set(path)} rows={f.kind === 'json' ? 3 : 5} placeholder={f.placeholder ?? undefined} />;
      case 'select':
        return <SelectInput {...common} value={str(path) || undefined} onChange={set(path)} options={[{ id: '', label: '(default)' }, ...f.options.map((o) => ({ id: o, label: o }))]} />;
      case 'secret':
        return <TextInput {...common} type="password" autoComplete="off" value={str(path)} onChange={set(path)} placeholder={f.placeholder ?? undefined} />;
      default:
        return <TextInput {...common} value={str(path)} onChange={set(path)} placeholder={f.placeholder ?? undefined} inputMode={f.kind === 'number' ? 'numeric' : undefined} />;
    }
  };

  return (
    <Form validationBehavior="aria" className="form integration-form" onSubmit={submit}>
      <fieldset className="fieldset">
        <legend>General</legend>
        <div className="row">
          <TextInput label="Name" name="name" value={str('name')} onChange={set('name')} isRequired error={errs.name} />
          <SelectInput
            label="Type"
            name="type"
            value={str('type')}
            onChange={(t) => {
              const info = types.find((x) => x.type === t);
              setV((old) => ({ ...old, type: t, direction: info?.directions.includes(String(old.direction)) ? old.direction : (info?.directions[0] ?? 'OUTBOUND'), 'auth.type': info?.auth_types.includes(String(old['auth.type'])) ? old['auth.type'] : 'NONE' }));
            }}
            options={types.map((t) => ({ id: t.type, label: t.type }))}
            isDisabled={!!initial}
            error={errs.type}
            description={type?.description}
          />
          <SelectInput label="Direction" name="direction" value={direction} onChange={set('direction')} options={(type?.directions ?? [direction]).map((d) => ({ id: d, label: d }))} error={errs.direction} />
        </div>
        <TextAreaInput label="Description" name="description" rows={2} value={str('description')} onChange={set('description')} error={errs.description} />
        <div className="row">
          <TextInput label="Tags" name="tags" value={str('tags')} onChange={set('tags')} placeholder="team=ops, env=prod" error={errs.tags} />
          <TextInput label="Timeout per call (s)" name="timeout_seconds" inputMode="numeric" value={str('timeout_seconds')} onChange={set('timeout_seconds')} error={errs.timeout_seconds} />
          <TextInput label="Rate limit (per minute)" name="rate_limit_per_minute" inputMode="numeric" value={str('rate_limit_per_minute')} onChange={set('rate_limit_per_minute')} error={errs.rate_limit_per_minute} />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Connection ({str('type')})</legend>
        {connectionFields.length ? (
          <div className="field-grid">{connectionFields.map(connectionInput)}</div>
        ) : (
          <TextAreaInput label="Connection (JSON)" name="connection" monospace rows={6} value={str('connection')} onChange={set('connection')} error={errs.connection} description="This type does not describe its settings: give them as a JSON object (see its documentation)." />
        )}
        {initial && <p className="hint">Secrets show as ******** : leave them so to keep the stored value.</p>}
      </fieldset>

      <fieldset className="fieldset">
        <legend>Authentication</legend>
        <SelectInput label="Auth type" name="auth.type" value={authType} onChange={set('auth.type')} options={(type?.auth_types ?? ['NONE']).map((a) => ({ id: a, label: a }))} error={errs['auth.type']} />
        <div className="field-grid">
          {AUTH_FIELDS[authType].map((f) => {
            const path = `auth.${f.name}`;
            const common = { key: path, label: f.label, name: path, error: errs[path], value: str(path), onChange: set(path) };
            if (f.kind === 'text' || f.kind === 'json') return <TextAreaInput {...common} monospace rows={4} />;
            if (f.kind === 'select') return <SelectInput {...common} value={str(path) || undefined} options={(f.options ?? []).map((o) => ({ id: o, label: o }))} />;
            return <TextInput {...common} type={f.kind === 'secret' ? 'password' : 'text'} autoComplete="off" description={f.kind === 'list' ? 'comma-separated' : undefined} />;
          })}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Retries</legend>
        <CheckboxInput label="Retry failed calls" isSelected={v['retry.enabled'] === true} onChange={set('retry.enabled')} />
        <div className="row">
          <TextInput label="Max attempts" name="retry.max_attempts" inputMode="numeric" value={str('retry.max_attempts')} onChange={set('retry.max_attempts')} error={errs['retry.max_attempts']} />
          <TextInput label="First backoff (s)" name="retry.initial_backoff_seconds" value={str('retry.initial_backoff_seconds')} onChange={set('retry.initial_backoff_seconds')} error={errs['retry.initial_backoff_seconds']} />
          <TextInput label="Max backoff (s)" name="retry.max_backoff_seconds" value={str('retry.max_backoff_seconds')} onChange={set('retry.max_backoff_seconds')} error={errs['retry.max_backoff_seconds']} />
          <TextInput label="Multiplier" name="retry.backoff_multiplier" value={str('retry.backoff_multiplier')} onChange={set('retry.backoff_multiplier')} error={errs['retry.backoff_multiplier']} />
        </div>
        <TextInput label="Retry on status codes" name="retry.retry_on_status_codes" value={str('retry.retry_on_status_codes')} onChange={set('retry.retry_on_status_codes')} error={errs['retry.retry_on_status_codes']} />
      </fieldset>

      <fieldset className="fieldset">
        <legend>Health check</legend>
        <CheckboxInput label="Check health in the background" isSelected={v['health_check.enabled'] === true} onChange={set('health_check.enabled')} />
        <div className="row">
          <TextInput label="Every (s)" name="health_check.interval_seconds" inputMode="numeric" value={str('health_check.interval_seconds')} onChange={set('health_check.interval_seconds')} error={errs['health_check.interval_seconds']} />
          <TextInput label="Timeout (s)" name="health_check.timeout_seconds" inputMode="numeric" value={str('health_check.timeout_seconds')} onChange={set('health_check.timeout_seconds')} error={errs['health_check.timeout_seconds']} />
          <TextInput label="Unhealthy after failures" name="health_check.failure_threshold" inputMode="numeric" value={str('health_check.failure_threshold')} onChange={set('health_check.failure_threshold')} error={errs['health_check.failure_threshold']} />
          <TextInput label="Healthy after successes" name="health_check.success_threshold" inputMode="numeric" value={str('health_check.success_threshold')} onChange={set('health_check.success_threshold')} error={errs['health_check.success_threshold']} />
        </div>
        <div className="row">
          <TextInput label="Endpoint" name="health_check.endpoint" value={str('health_check.endpoint')} onChange={set('health_check.endpoint')} error={errs['health_check.endpoint']} description="An HTTP URL checked with the integration's auth, instead of the type's own check" />
          <SelectInput label="Method" name="health_check.method" value={str('health_check.method')} onChange={set('health_check.method')} options={['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => ({ id: m, label: m }))} error={errs['health_check.method']} />
          <TextInput label="Expected status" name="health_check.expected_status_code" inputMode="numeric" value={str('health_check.expected_status_code')} onChange={set('health_check.expected_status_code')} error={errs['health_check.expected_status_code']} />
        </div>
      </fieldset>

      {sends && (
        <fieldset className="fieldset">
          <legend>Subscriptions</legend>
          <p className="hint">Which events this integration receives, e.g. fleet.resource.* or health.status.changed; filters narrow them.</p>
          {subs.map((s, i) => {
            const upd = (k: keyof SubscriptionRow) => (value: string) => setSubs(subs.map((x, j) => (j === i ? { ...x, [k]: value } : x)));
            return (
              <div className="row subscription" key={i} role="group" aria-label={`Subscription ${i + 1}`}>
                <TextInput label="Subjects" value={s.subjects} onChange={upd('subjects')} placeholder="fleet.resource.*" error={errs[`subscriptions.${i}.subjects`]} />
                <TextInput label="Account" value={s.account_id} onChange={upd('account_id')} error={errs[`subscriptions.${i}.filters.account_id`]} />
                <TextInput label="Region" value={s.region} onChange={upd('region')} error={errs[`subscriptions.${i}.filters.region`]} />
                <TextInput label="Resource type" value={s.resource_type} onChange={upd('resource_type')} error={errs[`subscriptions.${i}.filters.resource_type`]} />
                <Button className="button small" aria-label={`Remove subscription ${i + 1}`} onPress={() => setSubs(subs.filter((_, j) => j !== i))}>
                  Remove
                </Button>
              </div>
            );
          })}
          <Button className="button small" onPress={() => setSubs([...subs, { subjects: '', account_id: '', region: '', resource_type: '' }])}>
            Add subscription
          </Button>
        </fieldset>
      )}

      <FormErrors messages={api.other} />
      {!api.other.length && !Object.keys(api.byField).length && <ErrorNotice error={error} />}
      {Object.keys(errs).length > 0 && (
        <p className="field-error" role="alert">
          Some fields need attention: {Object.keys(errs).join(', ')}.
        </p>
      )}
      <div className="form-actions">
        <Button type="submit" className="button primary" isDisabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </Button>
      </div>
    </Form>
  );
}
