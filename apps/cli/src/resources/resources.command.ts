import { unwrap } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import { contextOf, examples, paged, withPaging } from '../shared/command';
import { col, type View } from '../shared/output';

const RESOURCES: View = { columns: [col('ARN'), col('Type'), col('Name'), col('State'), col('Account', 'account_id'), col('Region')] };

/** A summary's counts as rows: one per (dimension, key). */
const SUMMARY: View = {
  rows: (s) => {
    const summary = s as Record<string, unknown>;
    const rows: Array<Record<string, unknown>> = [{ by: 'total', key: '', count: summary.total }];
    for (const by of ['by_account', 'by_region', 'by_type']) for (const [key, count] of Object.entries((summary[by] ?? {}) as Record<string, number>)) rows.push({ by: by.slice(3), key, count });
    return rows;
  },
  columns: [col('By'), col('Key'), col('Count')],
};

export function registerResources(program: Command): void {
  const resources = program.command('resources').description('The resource registry: what the syncs found in the accounts');

  withPaging(
    resources
      .command('list')
      .description('Resources, filtered like GET /api/v1/resources (filters combine with AND)')
      .option('--account-id <id>', 'in this account')
      .option('--region <region>', 'in this region')
      .option('--service <service>', 'of this service, e.g. ec2')
      .option('--type <type>', 'of this type, e.g. ec2:instance')
      .option('--state <state>', 'in this state, e.g. running')
      .option('--tag <key:value>', 'carrying this tag (repeatable; all must match)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--name <text>', 'name contains (case-insensitive)')
      .option('--include-removed', 'also resources a sync no longer saw'),
    1000,
  )
    .addHelpText('after', examples('aws-mcp resources list --type ec2:instance --state running', 'aws-mcp resources list --tag env:prod --all -o json --query "items[].arn"'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      const page = await paged(ctx, opts, (cursor) =>
        unwrap(
          ctx.client().GET('/api/v1/resources', {
            params: { query: { account_id: opts.accountId, region: opts.region, service: opts.service, type: opts.type, state: opts.state, tag: opts.tag, q: opts.name, include_removed: opts.includeRemoved, limit: opts.limit, cursor } },
          }),
        ),
      );
      ctx.print(page, RESOURCES);
    });

  resources
    .command('get')
    .description('One resource with its properties')
    .argument('<arn>', 'the resource\'s ARN')
    .addHelpText('after', examples('aws-mcp resources get arn:aws:ec2:us-east-1:123456789012:instance/i-0abc -o yaml'))
    .action(async (arn, _opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/resources/{arn}', { params: { path: { arn } } })), { rows: (r) => [r], columns: [...RESOURCES.columns, col('Last seen', 'last_seen_at')] });
    });

  resources
    .command('summary')
    .description('Counts by account, region and type')
    .option('--account-id <id>', 'in this account only')
    .option('--include-removed', 'count removed resources too')
    .addHelpText('after', examples('aws-mcp resources summary', 'aws-mcp resources summary --account-id 123456789012 -o json --query by_type'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/resources/summary', { params: { query: { account_id: opts.accountId, include_removed: opts.includeRemoved } } })), SUMMARY);
    });
}
