import { unwrap } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import { contextOf, examples, paged, withPaging } from '../shared/command';
import { positiveInt } from '../shared/input';
import { col } from '../shared/output';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('Who changed what (admin)');

  withPaging(
    audit
      .command('list')
      .description('Audit records of every POST/PUT/PATCH/DELETE, newest first')
      .option('--actor <name>', 'username or API key name')
      .option('--method <method>', 'POST, PUT, PATCH or DELETE')
      .option('--status <code>', 'HTTP status, e.g. 403', positiveInt('--status'))
      .option('--path <prefix>', 'path starts with, e.g. /api/v1/users')
      .option('--since <time>', 'ISO 8601 time')
      .option('--until <time>', 'ISO 8601 time')
      .option('--correlation-id <id>', 'the requests of one correlation id'),
    500,
  )
    .addHelpText('after', examples('aws-mcp audit list --status 403', 'aws-mcp audit list --actor alice --since 2025-01-31T00:00:00Z -o json'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      const query = { actor: opts.actor, method: opts.method as never, status: opts.status, path: opts.path, since: opts.since, until: opts.until, correlation_id: opts.correlationId, limit: opts.limit };
      const page = await paged(ctx, opts, (cursor) => unwrap(ctx.client().GET('/api/v1/audit', { params: { query: { ...query, cursor } } })));
      ctx.print(page, { columns: [col('At'), col('Actor', 'actor_name'), col('Role'), col('Method'), col('Path'), col('Status'), col('Correlation ID', 'correlation_id')] });
    });
}
