import { unwrap } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import { contextOf, examples } from '../shared/command';
import { UsageError } from '../shared/exit-codes';
import { col, type View } from '../shared/output';

const KEYS: View = { columns: [col('ID'), col('Name'), col('Role'), col('Prefix'), col('Expires', 'expires_at'), col('Revoked', 'revoked_at'), col('Last used', 'last_used_at')] };

export function registerApiKeys(program: Command): void {
  const keys = program.command('api-keys').description('API keys for services and scripts (admin)');

  keys
    .command('list')
    .description('Every API key (never the secret)')
    .addHelpText('after', examples('aws-mcp api-keys list'))
    .action(async (_opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/api-keys')), KEYS);
    });

  keys
    .command('create')
    .description('Create an API key; its secret is shown this once')
    .argument('<name>', 'what the key is for')
    .requiredOption('--role <role>', 'viewer, operator or admin')
    .option('--expires-at <time>', 'ISO 8601 time after which the key is refused')
    .addHelpText('after', examples('aws-mcp api-keys create ci --role operator --expires-at 2026-01-01T00:00:00Z', 'aws-mcp api-keys create ci --role viewer -o json --query key > ci.key'))
    .action(async (name, opts, cmd) => {
      const ctx = contextOf(cmd);
      if (!['viewer', 'operator', 'admin'].includes(opts.role)) throw new UsageError('--role: one of viewer, operator, admin');
      const created = await unwrap(ctx.client().POST('/api/v1/api-keys', { body: { name, role: opts.role as 'viewer', expires_at: opts.expiresAt } }));
      ctx.print(created, { rows: (k) => [k], columns: [col('ID'), col('Name'), col('Role'), col('Key'), col('Expires', 'expires_at')] });
      if (ctx.format === 'table') ctx.note('The key is shown this once: store it now (e.g. aws-mcp configure --api-key -).');
    });

  keys
    .command('revoke')
    .description('Revoke an API key: refused at once by this gateway, within 5 s by the others')
    .argument('<id>', 'API key id')
    .addHelpText('after', examples('aws-mcp api-keys revoke 3f2a…'))
    .action(async (id, _opts, cmd) => {
      const ctx = contextOf(cmd);
      await unwrap(ctx.client().DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } }));
      ctx.note(`revoked API key ${id}`);
    });
}
