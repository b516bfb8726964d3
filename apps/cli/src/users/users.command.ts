import { type components, unwrap } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import { bool, contextOf, examples } from '../shared/command';
import { UsageError } from '../shared/exit-codes';
import { prompt, secretFromStdin } from '../shared/input';
import { col, type View } from '../shared/output';

const USERS: View = { columns: [col('ID'), col('Username'), col('Role'), col('Disabled'), col('Created', 'created_at')] };
const ONE: View = { ...USERS, rows: (u) => [u] };
const ROLES = ['viewer', 'operator', 'admin'];

function role(value: string): 'viewer' | 'operator' | 'admin' {
  if (!ROLES.includes(value)) throw new UsageError(`--role: one of ${ROLES.join(', ')}`);
  return value as 'viewer' | 'operator' | 'admin';
}

const newPassword = async (fromStdin: boolean | undefined) => (fromStdin ? secretFromStdin('--password-stdin') : prompt('New password: ', { hidden: true }));

export function registerUsers(program: Command): void {
  const users = program.command('users').description('Users and their roles (admin)');

  users
    .command('list')
    .description('Every user with its role and state')
    .addHelpText('after', examples('aws-mcp users list', 'aws-mcp users list -o json --query "items[?role==\'admin\'].username"'))
    .action(async (_opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/users')), USERS);
    });

  users
    .command('get')
    .description('One user')
    .argument('<id>', 'user id')
    .addHelpText('after', examples('aws-mcp users get 3d0c…'))
    .action(async (id, _opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/users/{id}', { params: { path: { id } } })), ONE);
    });

  users
    .command('create')
    .description('Create a user; the password is asked without echo, or read from stdin')
    .argument('<username>', 'the login name')
    .requiredOption('--role <role>', 'viewer, operator or admin', role)
    .option('--password-stdin', 'read the password from stdin')
    .addHelpText('after', examples('aws-mcp users create alice --role operator', 'printf %s "$PW" | aws-mcp users create ci-bot --role viewer --password-stdin'))
    .action(async (username, opts, cmd) => {
      const ctx = contextOf(cmd);
      const body: components['schemas']['CreateUserRequest'] = { username, role: opts.role, password: await newPassword(opts.passwordStdin) };
      ctx.print(await unwrap(ctx.client().POST('/api/v1/users', { body })), ONE);
    });

  users
    .command('update')
    .description('Change a user\'s role, password or disabled state (a new password or disabling ends its sessions)')
    .argument('<id>', 'user id')
    .option('--role <role>', 'viewer, operator or admin', role)
    .option('--disabled <bool>', 'true or false', bool('--disabled'))
    .option('--password', 'set a new password (asked without echo)')
    .option('--password-stdin', 'set a new password read from stdin')
    .addHelpText('after', examples('aws-mcp users update 3d0c… --role viewer', 'aws-mcp users update 3d0c… --disabled true', 'aws-mcp users update 3d0c… --password'))
    .action(async (id, opts, cmd) => {
      const ctx = contextOf(cmd);
      const body: components['schemas']['UpdateUserRequest'] = { role: opts.role, disabled: opts.disabled };
      if (opts.password || opts.passwordStdin) body.password = await newPassword(opts.passwordStdin);
      if (Object.values(body).every((v) => v === undefined)) throw new UsageError('users update: nothing to change (--role, --disabled, --password)');
      ctx.print(await unwrap(ctx.client().PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })), ONE);
    });

  users
    .command('delete')
    .description('Delete a user (the last admin cannot be deleted)')
    .argument('<id>', 'user id')
    .addHelpText('after', examples('aws-mcp users delete 3d0c…'))
    .action(async (id, _opts, cmd) => {
      const ctx = contextOf(cmd);
      await unwrap(ctx.client().DELETE('/api/v1/users/{id}', { params: { path: { id } } }));
      ctx.note(`deleted user ${id}`);
    });
}
