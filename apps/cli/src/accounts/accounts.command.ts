import { type components, unwrap } from '@app/api-client';
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { bool, contextOf, examples, paged, withPaging } from '../shared/command';
import { ExitCode, ReportedFailure, UsageError } from '../shared/exit-codes';
import { keyValues, list, positiveInt, readDocument } from '../shared/input';
import { col, type View } from '../shared/output';

type CreateAccount = components['schemas']['CreateAccountRequest'];
type AccountSettings = components['schemas']['AccountSettingsDto'];

const ACCOUNTS: View = {
  columns: [col('Account ID'), col('Name'), col('Status'), col('Enabled'), col('Regions'), col('Last sync', 'last_sync_at'), { header: 'Role', value: (a) => a.role_arn ?? '(default credentials)' }],
};
const SYNC: View = {
  rows: (run) => [run],
  columns: [col('ID'), col('Status'), col('Tasks', 'tasks_total'), col('Done', 'tasks_done'), col('Failed', 'tasks_failed'), col('Seen', 'resources_seen'), col('Discovered'), col('Changed'), col('Removed')],
};

/** `--regions '*'` is every enabled region of the account; anything else a list. */
const regionSelection = (regions: string[] | undefined): '*' | string[] | undefined => (regions && regions.length === 1 && regions[0] === '*' ? '*' : regions);

/** The account flags shared by add and update; flags win over the file's fields. */
function accountFields(opts: { name?: string; roleArn?: string; externalId?: string; regions?: string[]; tag?: string[]; syncInterval?: number; enabled?: boolean }): Partial<AccountSettings> {
  const fields: Partial<AccountSettings> = {};
  if (opts.name !== undefined) fields.name = opts.name;
  if (opts.roleArn !== undefined) fields.role_arn = opts.roleArn;
  if (opts.externalId !== undefined) fields.external_id = opts.externalId;
  if (opts.regions !== undefined) fields.regions = regionSelection(opts.regions);
  const tags = keyValues(opts.tag, '--tag');
  if (tags) fields.tags = tags;
  if (opts.syncInterval !== undefined) fields.sync_interval_minutes = opts.syncInterval;
  if (opts.enabled !== undefined) fields.enabled = opts.enabled;
  return fields;
}

function accountOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('-f, --file <path>', 'the fields as YAML or JSON (- for stdin); flags override them')
    .option('--name <name>', 'display name')
    .option('--role-arn <arn>', 'role to assume in the account (none: the default credentials)')
    .option('--external-id <id>', 'external id for the role assumption')
    .option('--regions <list>', 'comma-separated regions, or * for the enabled regions of the account', list)
    .option('--tag <key=value>', 'a tag (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--sync-interval <minutes>', 'periodic sync every N minutes', positiveInt('--sync-interval'))
    .option('--enabled <bool>', 'true or false', bool('--enabled'));
}

export function registerAccounts(program: Command): void {
  const accounts = program.command('accounts').description('AWS accounts of the fleet: register, discover, sync');

  withPaging(accounts.command('list').description('Registered accounts').option('--status <status>', 'PENDING, OK or ERROR').option('--enabled <bool>', 'true or false', bool('--enabled')), 500)
    .addHelpText('after', examples('aws-mcp accounts list', 'aws-mcp accounts list --status ERROR -o json --query "items[].account_id"'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      const page = await paged(ctx, opts, (cursor) =>
        unwrap(ctx.client().GET('/api/v1/accounts', { params: { query: { status: opts.status as never, enabled: opts.enabled, limit: opts.limit, cursor } } })),
      );
      ctx.print(page, ACCOUNTS);
    });

  accounts
    .command('get')
    .description('One account')
    .argument('<account-id>', '12-digit account id')
    .addHelpText('after', examples('aws-mcp accounts get 123456789012'))
    .action(async (accountId, _opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/accounts/{account_id}', { params: { path: { account_id: accountId } } })), { ...ACCOUNTS, rows: (a) => [a] });
    });

  accountOptions(accounts.command('add').description('Register an account (admin)').argument('<account-id>', '12-digit account id'))
    .addHelpText('after', examples('aws-mcp accounts add 123456789012 --name prod --regions us-east-1,eu-west-1 --role-arn arn:aws:iam::123456789012:role/mcp-read', 'aws-mcp accounts add 111111111111 -f account.yaml'))
    .action(async (accountId, opts, cmd) => {
      const ctx = contextOf(cmd);
      const body = { ...(opts.file ? readDocument(opts.file) : {}), ...accountFields(opts), account_id: accountId } as CreateAccount;
      ctx.print(await unwrap(ctx.client().POST('/api/v1/accounts', { body })), { ...ACCOUNTS, rows: (a) => [a] });
    });

  accountOptions(accounts.command('update').description('Change some of an account\'s settings (admin); the others stay as they are').argument('<account-id>', '12-digit account id'))
    .addHelpText('after', examples('aws-mcp accounts update 123456789012 --enabled false', 'aws-mcp accounts update 123456789012 --regions "*"'))
    .action(async (accountId, opts, cmd) => {
      const ctx = contextOf(cmd);
      const path = { params: { path: { account_id: accountId } } };
      // PUT replaces every setting: start from the current ones. The external id is write-only (never returned),
      // so a PUT without it would clear it: ask for it again rather than drop it silently.
      const current = await unwrap(ctx.client().GET('/api/v1/accounts/{account_id}', path));
      const changes = { ...(opts.file ? readDocument(opts.file) : {}), ...accountFields(opts) } as Partial<AccountSettings>;
      if (current.external_id_set && changes.external_id === undefined && (changes.role_arn === undefined || changes.role_arn === current.role_arn)) {
        throw new UsageError(`account ${accountId} has an external id, which the API never returns and an update replaces: give it again with --external-id`);
      }
      const { name, role_arn, regions, tags, sync_interval_minutes, enabled } = current;
      const body: AccountSettings = { name, role_arn, regions, tags, sync_interval_minutes, enabled, ...changes };
      ctx.print(await unwrap(ctx.client().PUT('/api/v1/accounts/{account_id}', { ...path, body })), { ...ACCOUNTS, rows: (a) => [a] });
    });

  accounts
    .command('remove')
    .description('Unregister an account (admin); its resources leave the registry')
    .argument('<account-id>', '12-digit account id')
    .addHelpText('after', examples('aws-mcp accounts remove 123456789012'))
    .action(async (accountId, _opts, cmd) => {
      const ctx = contextOf(cmd);
      await unwrap(ctx.client().DELETE('/api/v1/accounts/{account_id}', { params: { path: { account_id: accountId } } }));
      ctx.note(`removed account ${accountId}`);
    });

  accounts
    .command('discover')
    .description('Register the accounts of the AWS Organization (admin): each reached through the named role')
    .requiredOption('--role-name <name>', 'role to assume in each member account, e.g. OrganizationAccountAccessRole')
    .option('--external-id <id>', 'external id for the role assumption')
    .option('--regions <list>', 'regions for the new accounts, or *', list)
    .option('--region <region>', 'region of the Organizations API call')
    .option('--sync-interval <minutes>', 'periodic sync every N minutes', positiveInt('--sync-interval'))
    .option('--enabled <bool>', 'register them enabled (true) or disabled (false)', bool('--enabled'))
    .addHelpText('after', examples('aws-mcp accounts discover --role-name OrganizationAccountAccessRole --regions us-east-1'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      const body: components['schemas']['DiscoverAccountsRequest'] = {
        role_name: opts.roleName,
        external_id: opts.externalId,
        regions: regionSelection(opts.regions),
        region: opts.region,
        sync_interval_minutes: opts.syncInterval,
        enabled: opts.enabled,
      };
      ctx.print(await unwrap(ctx.client().POST('/api/v1/accounts/discover', { body })), { rows: (r) => (r as { accounts: unknown[] }).accounts, columns: [col('Account ID'), col('Name'), col('Outcome'), col('Role ARN')] });
    });

  accounts
    .command('sync')
    .description('Discover the resources of accounts now (operator); all enabled accounts when none is named')
    .argument('[account-ids...]', 'accounts to sync')
    .option('--regions <list>', 'only these regions', list)
    .option('--types <list>', 'only these resource types, e.g. ec2:instance,s3:bucket', list)
    .option('--wait', 'wait until the sync ends; exit 1 when it did not fully succeed')
    .addHelpText('after', examples('aws-mcp accounts sync', 'aws-mcp accounts sync 123456789012 --regions us-east-1 --wait'))
    .action(async (accountIds, opts, cmd) => {
      const ctx = contextOf(cmd);
      const body = { account_ids: accountIds.length ? accountIds : undefined, regions: opts.regions, types: opts.types };
      const accepted = await unwrap(ctx.client().POST('/api/v1/inventory/sync', { body }));
      if (!opts.wait) return ctx.print(accepted, { rows: (a) => [a], columns: [col('ID'), col('Status'), col('Location')] });
      let run = await unwrap(ctx.client().GET('/api/v1/inventory/sync/{id}', { params: { path: { id: accepted.id } } }));
      while (run.status === 'RUNNING') {
        await new Promise((r) => setTimeout(r, 500));
        run = await unwrap(ctx.client().GET('/api/v1/inventory/sync/{id}', { params: { path: { id: accepted.id } } }));
      }
      ctx.print(run, SYNC);
      if (run.status !== 'SUCCEEDED') throw new ReportedFailure(`sync ${run.id} ended ${run.status}${run.status_reason ? `: ${run.status_reason}` : ''}`, ExitCode.Failed);
    });
}
