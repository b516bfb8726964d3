import { type components, unwrap } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import { bool, contextOf, examples, paged, withPaging } from '../shared/command';
import { ExitCode, ReportedFailure, UsageError } from '../shared/exit-codes';
import { readDocument } from '../shared/input';
import { col, type View } from '../shared/output';

type IntegrationConfig = components['schemas']['IntegrationConfigDto'];

const INTEGRATIONS: View = { columns: [col('ID'), col('Name'), col('Type'), col('Direction'), col('Status'), col('Enabled'), col('Updated', 'updated_at')] };
const ONE: View = { ...INTEGRATIONS, rows: (i) => [i] };
const DELIVERIES: View = { columns: [col('ID'), col('Event type', 'event_type'), col('Status'), col('Attempts'), col('Last status', 'last_status_code'), col('Last error', 'last_error'), col('Created', 'created_at')] };
const HEALTH: View = {
  rows: (h) => [h],
  columns: [col('Integration', 'integration_id'), col('Status'), col('Monitored'), col('Failures', 'consecutive_failures'), { header: 'Last check', value: (h) => (h.last_check as { checked_at?: string } | null)?.checked_at }, { header: 'Last error', value: (h) => (h.last_error as { message?: string } | null)?.message }],
};
const HISTORY: View = { columns: [col('Checked', 'checked_at'), col('Outcome'), col('Latency ms', 'latency_ms'), col('Error')] };

/** `--grace`: whole seconds, 0 allowed (ends the old secret now); the API bounds the maximum. */
function graceSeconds(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--grace: whole seconds, 0 or more (got "${value.slice(0, 40)}")`);
  return Number(value);
}

export function registerIntegrations(program: Command): void {
  const integrations = program.command('integrations').description('The integration registry: webhooks, REST, queues, buses, … (docs/integrations.md)');
  const byId = (id: string) => ({ params: { path: { id } } });

  withPaging(
    integrations
      .command('list')
      .description('Integrations, filtered like GET /api/v1/integrations')
      .option('--type <type>', 'WEBHOOK, REST_API, GRAPHQL, GRPC, EVENT_BUS, MESSAGE_QUEUE, DATABASE, FILE or CUSTOM')
      .option('--status <status>', 'CONFIGURING, TESTING, ACTIVE, ERROR, INACTIVE or DEPRECATED')
      .option('--direction <direction>', 'INBOUND, OUTBOUND or BIDIRECTIONAL')
      .option('--enabled <bool>', 'true or false', bool('--enabled'))
      .option('--tag <key:value>', 'carrying this tag (repeatable; all must match)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--name <text>', 'name contains (case-insensitive)'),
    500,
  )
    .addHelpText('after', examples('aws-mcp integrations list --type WEBHOOK --status ACTIVE', 'aws-mcp integrations list -o json --query "items[?enabled].name"'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      const query = { type: opts.type as never, status: opts.status as never, direction: opts.direction as never, enabled: opts.enabled, tag: opts.tag, q: opts.name, limit: opts.limit };
      ctx.print(await paged(ctx, opts, (cursor) => unwrap(ctx.client().GET('/api/v1/integrations', { params: { query: { ...query, cursor } } }))), INTEGRATIONS);
    });

  integrations
    .command('get')
    .description('One integration (secrets masked)')
    .argument('<id>', 'integration id')
    .addHelpText('after', examples('aws-mcp integrations get 0b5c… -o yaml'))
    .action(async (id, _opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/integrations/{id}', byId(id))), ONE);
    });

  integrations
    .command('types')
    .description('The integration types with their directions and auth types')
    .addHelpText('after', examples('aws-mcp integrations types'))
    .action(async (_opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/integrations/types')), { columns: [col('Type'), col('Directions'), { header: 'Auth types', value: (t) => t.auth_types }, col('Description')] });
    });

  integrations
    .command('create')
    .description('Register an integration from a YAML or JSON file (operator)')
    .requiredOption('-f, --file <path>', 'the integration (the body of POST /api/v1/integrations); - for stdin')
    .addHelpText('after', `${examples('aws-mcp integrations create -f ops-webhook.yaml')}\nops-webhook.yaml:\n  name: ops-webhook\n  type: WEBHOOK\n  direction: OUTBOUND\n  connection: { url: https://hooks.example.com/aws }\n`)
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().POST('/api/v1/integrations', { body: readDocument(opts.file) as unknown as IntegrationConfig })), ONE);
    });

  integrations
    .command('update')
    .description('Replace an integration\'s configuration from a file (operator); masked secrets left as they are keep their values')
    .argument('<id>', 'integration id')
    .requiredOption('-f, --file <path>', 'the whole configuration (as for create); - for stdin')
    .addHelpText('after', examples('aws-mcp integrations get 0b5c… -o yaml > it.yaml && $EDITOR it.yaml && aws-mcp integrations update 0b5c… -f it.yaml'))
    .action(async (id, opts, cmd) => {
      const ctx = contextOf(cmd);
      // What `get` printed carries read-only fields; the API takes the configuration only.
      const { id: _i, status: _s, status_reason: _r, created_at: _c, updated_at: _u, ...config } = readDocument(opts.file);
      ctx.print(await unwrap(ctx.client().PUT('/api/v1/integrations/{id}', { ...byId(id), body: config as unknown as IntegrationConfig })), ONE);
    });

  integrations
    .command('delete')
    .description('Delete an integration (operator)')
    .argument('<id>', 'integration id')
    .addHelpText('after', examples('aws-mcp integrations delete 0b5c…'))
    .action(async (id, _opts, cmd) => {
      const ctx = contextOf(cmd);
      await unwrap(ctx.client().DELETE('/api/v1/integrations/{id}', byId(id)));
      ctx.note(`deleted integration ${id}`);
    });

  integrations
    .command('test')
    .description('Test the connection now (operator); exit 1 when it is not healthy')
    .argument('<id>', 'integration id')
    .option('--send-test-event', 'also deliver a test event')
    .addHelpText('after', examples('aws-mcp integrations test 0b5c…', 'aws-mcp integrations test 0b5c… --send-test-event'))
    .action(async (id, opts, cmd) => {
      const ctx = contextOf(cmd);
      const result = await unwrap(ctx.client().POST('/api/v1/integrations/{id}/test', { ...byId(id), body: { send_test_event: opts.sendTestEvent } }));
      ctx.print(result, { rows: (r) => [r], columns: [col('ID'), col('Status'), col('Healthy'), col('Latency ms', 'latency_ms'), col('Error')] });
      if (!result.healthy) throw new ReportedFailure(`integration ${id} is not healthy${result.error ? `: ${result.error}` : ''}`, ExitCode.Failed);
    });

  for (const [verb, what] of [
    ['enable', 'Enable an integration (operator)'],
    ['disable', 'Disable an integration (operator)'],
  ] as const) {
    integrations
      .command(verb)
      .description(what)
      .argument('<id>', 'integration id')
      .addHelpText('after', examples(`aws-mcp integrations ${verb} 0b5c…`))
      .action(async (id, _opts, cmd) => {
        const ctx = contextOf(cmd);
        const path = verb === 'enable' ? '/api/v1/integrations/{id}/enable' : '/api/v1/integrations/{id}/disable';
        ctx.print(await unwrap(ctx.client().POST(path, byId(id))), ONE);
      });
  }

  withPaging(
    integrations.command('health').description('Health of an integration, or its check history').argument('<id>', 'integration id').option('--history', 'the checks, newest first').option('--outcome <outcome>', 'history: SUCCESS, FAILURE or UNKNOWN'),
    500,
  )
    .addHelpText('after', examples('aws-mcp integrations health 0b5c…', 'aws-mcp integrations health 0b5c… --history --outcome FAILURE'))
    .action(async (id, opts, cmd) => {
      const ctx = contextOf(cmd);
      if (!opts.history) {
        if (opts.outcome) throw new UsageError('--outcome needs --history');
        return ctx.print(await unwrap(ctx.client().GET('/api/v1/integrations/{id}/health', byId(id))), HEALTH);
      }
      const page = await paged(ctx, opts, (cursor) => unwrap(ctx.client().GET('/api/v1/integrations/{id}/health/history', { params: { path: { id }, query: { outcome: opts.outcome as never, limit: opts.limit, cursor } } })));
      ctx.print(page, HISTORY);
    });

  withPaging(integrations.command('deliveries').description('Outbound deliveries of an integration, newest first').argument('<id>', 'integration id').option('--status <status>', 'PENDING, IN_FLIGHT, DELIVERED or DEAD'), 200)
    .addHelpText('after', examples('aws-mcp integrations deliveries 0b5c… --status DEAD'))
    .action(async (id, opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await paged(ctx, opts, (cursor) => unwrap(ctx.client().GET('/api/v1/integrations/{id}/deliveries', { params: { path: { id }, query: { status: opts.status as never, limit: opts.limit, cursor } } }))), DELIVERIES);
    });

  integrations
    .command('secret')
    .description("A webhook's signing secret (admin); --rotate makes a new one, the old one still used for --grace seconds")
    .argument('<id>', 'integration id')
    .option('--rotate', 'generate a new secret and print it')
    .option('--grace <seconds>', 'with --rotate: how long the replaced secret is still signed with and accepted (default 86400; 0 ends it now)', graceSeconds)
    .addHelpText('after', examples('aws-mcp integrations secret 0b5c…', 'aws-mcp integrations secret 0b5c… -o json --query secret > receiver.secret', 'aws-mcp integrations secret 0b5c… --rotate --grace 3600'))
    .action(async (id, opts, cmd) => {
      const ctx = contextOf(cmd);
      if (opts.grace !== undefined && !opts.rotate) throw new UsageError('--grace needs --rotate');
      const result = opts.rotate
        ? await unwrap(ctx.client().POST('/api/v1/integrations/{id}/signing-secret/rotate', { ...byId(id), body: { grace_seconds: opts.grace } }))
        : await unwrap(ctx.client().GET('/api/v1/integrations/{id}/signing-secret', byId(id)));
      ctx.print(result, { rows: (r) => [r], columns: [col('Integration', 'integration_id'), col('Secret'), col('Previous until', 'previous_secret_expires_at')] });
    });

  integrations
    .command('replay')
    .description('Deliver again the events since a time (operator)')
    .argument('<id>', 'integration id')
    .requiredOption('--since <time>', 'ISO 8601 time, e.g. 2025-01-31T12:00:00Z')
    .addHelpText('after', examples('aws-mcp integrations replay 0b5c… --since 2025-01-31T12:00:00Z'))
    .action(async (id, opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().POST('/api/v1/integrations/{id}/replay', { ...byId(id), body: { since: opts.since } })), { rows: (r) => [r], columns: [col('Replayed')] });
    });
}
