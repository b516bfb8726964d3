import { type components, streamEvents, unwrap } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../shared/context';
import { contextOf, examples, paged, withPaging } from '../shared/command';
import { ExitCode, ReportedFailure, UsageError } from '../shared/exit-codes';
import { keyValues, list, positiveInt } from '../shared/input';
import { col, visible, type View } from '../shared/output';
import { CommandProgress, isDone, type TargetState } from './progress';

type Result = components['schemas']['CommandResultDto'];
type Job = components['schemas']['CommandDto'];

const firstLine = (s: string | null | undefined) => (s ? s.split('\n').find((l) => l.trim()) ?? '' : '');
const RESULTS: View = {
  columns: [col('Account', 'account_id'), col('Region'), col('Status'), col('Exit', 'exit_code'), { header: 'ms', value: (r) => r.duration_ms }, { header: 'Error / output', value: (r) => (r.error as string | null) ?? firstLine(r.output_preview as string).slice(0, 100) }],
};
const JOBS: View = {
  columns: [col('ID'), col('Command'), col('Status'), { header: 'Targets', value: (j) => (j.counts as { total: number }).total }, { header: 'OK', value: (j) => (j.counts as { success: number }).success }, { header: 'By', value: (j) => (j.requested_by as { name: string }).name }, col('Created', 'created_at')],
};
const JOB: View = { ...JOBS, rows: (j) => [j] };

/** Every result of a command (pages of 500). */
async function allResults(ctx: CliContext, id: string): Promise<Result[]> {
  const page = await paged(ctx, { all: true }, (cursor) => unwrap(ctx.client().GET('/api/v1/commands/{id}/results', { params: { path: { id }, query: { limit: 500, cursor } } })));
  return page.items;
}

/**
 * Waits for a command to end, showing each target as it progresses: target events from the live stream (opened
 * before the command was started, so none is missed), and a poll every second as the ground truth (and the whole
 * story when the stream is not available).
 */
async function follow(ctx: CliContext, start: () => Promise<{ id: string; targets_total: number }>, title: string): Promise<{ job: Job; results: Result[] }> {
  const live = process.stderr.isTTY === true;
  const progress = new CommandProgress(process.stderr, live, title);
  const abort = new AbortController();
  const early: Array<TargetState & { id: string }> = [];
  let id: string | undefined;
  let wake: (() => void) | undefined;
  let finished = false;

  const opened = new Promise<boolean>((resolve) => {
    streamEvents(ctx.connection(), {
      subjects: ['fleet.command.target.completed', 'fleet.command.completed'],
      signal: abort.signal,
      onOpen: () => resolve(true),
      onEvent: ({ data: event }) => {
        const data = event.data as TargetState & { id: string };
        if (event.type === 'fleet.command.target.completed') {
          if (!id) early.push(data);
          else if (data.id === id) progress.update([data]);
        } else if (event.type === 'fleet.command.completed' && data.id === id) {
          finished = true;
          wake?.();
        }
      },
    }).then(
      () => resolve(false),
      () => resolve(false), // no stream (role, proxy): polling alone still gets there
    );
  });
  await Promise.race([opened, new Promise((r) => setTimeout(r, 3000))]);

  const onInterrupt = () => {
    progress.finish();
    process.stderr.write(`\ninterrupted: command ${id ?? '(not started)'} goes on running on the server${id ? `; stop it with: aws-mcp commands cancel ${id}` : ''}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const accepted = await start();
    id = accepted.id;
    progress.update(early.filter((e) => e.id === id));
    if (!live) process.stderr.write(`command ${id}: ${accepted.targets_total} targets\n`);
    let job: Job;
    for (;;) {
      job = await unwrap(ctx.client().GET('/api/v1/commands/{id}', { params: { path: { id } } }));
      if (job.status !== 'IN_PROGRESS') break;
      if (live) progress.update((await allResults(ctx, id)).map(stateOf));
      if (!finished) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((r) => ((wake = r), (timer = setTimeout(r, 1000))));
        clearTimeout(timer);
      }
    }
    const results = await allResults(ctx, id);
    progress.update(results.map(stateOf));
    return { job, results };
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    abort.abort();
    progress.finish();
  }
}

const stateOf = (r: Result): TargetState => ({ account_id: r.account_id, region: r.region, status: r.status, exit_code: r.exit_code, duration_ms: r.duration_ms, error: r.error });

export function registerFleetCommands(program: Command): void {
  const commands = program.command('commands').description('AWS CLI commands across accounts and regions (docs/fleet-commands.md)');

  commands
    .command('run')
    .description('Run one AWS CLI command in every account × region chosen (operator); read-only unless --allow-mutations')
    .argument('<command>', 'the AWS CLI command, quoted, e.g. "ec2 describe-instances" (a leading "aws" is dropped)')
    .requiredOption('--accounts <ids>', 'comma-separated account ids, or "all" (every enabled account)', list)
    .requiredOption('--regions <regions>', 'comma-separated regions, or "*" (each account\'s regions)', list)
    .option('--account-tag <key=value>', 'only accounts carrying this tag (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--dry-run', 'expand the targets and check the policy; run nothing')
    .option('--wait', 'show each target\'s progress until the command ends; exit 1 when a target did not succeed')
    .option('--allow-mutations', 'needed for commands that change anything')
    .option('--max-concurrency <n>', 'targets running at once (default 8)', positiveInt('--max-concurrency'))
    .option('--max-errors <n|N%>', 'stop starting targets after this many failures (default 0)')
    .option('--timeout <seconds>', 'per target (default 300)', positiveInt('--timeout'))
    .addHelpText(
      'after',
      examples(
        'aws-mcp commands run "sts get-caller-identity" --accounts all --regions us-east-1 --wait',
        'aws-mcp commands run "ec2 describe-instances" --accounts 123456789012,111111111111 --regions us-east-1,eu-west-1 --wait -o json --query "[].{a:account_id,r:region,s:status}"',
        'aws-mcp commands run "s3 ls" --accounts all --regions "*" --dry-run',
      ),
    )
    .action(async (command, opts, cmd) => {
      const ctx = contextOf(cmd);
      let maxErrors: number | string | undefined = opts.maxErrors;
      if (maxErrors !== undefined) {
        if (/^\d{1,9}$/.test(maxErrors)) maxErrors = Number(maxErrors);
        else if (!/^\d{1,3}%$/.test(maxErrors)) throw new UsageError('--max-errors: a count or a percentage such as 10%');
      }
      const accountIds = opts.accounts.length === 1 && opts.accounts[0] === 'all' ? 'all' : opts.accounts;
      const regions = opts.regions.length === 1 && opts.regions[0] === '*' ? '*' : opts.regions;
      const body: components['schemas']['RunCommandBody'] = {
        command,
        targets: { account_ids: accountIds, regions, account_tags: keyValues(opts.accountTag, '--account-tag') },
        max_concurrency: opts.maxConcurrency,
        max_errors: maxErrors,
        timeout_seconds: opts.timeout,
        allow_mutations: opts.allowMutations,
        dry_run: opts.dryRun,
      };
      const post = () => unwrap(ctx.client().POST('/api/v1/commands', { body }));
      if (opts.dryRun) {
        const plan = await post();
        return ctx.print(plan, { rows: (p) => (p as { targets: unknown[] }).targets, columns: [col('Account', 'account_id'), col('Region')] });
      }
      if (!opts.wait) {
        const accepted = (await post()) as components['schemas']['CommandAcceptedDto'];
        return ctx.print(accepted, { rows: (a) => [a], columns: [col('ID'), col('Status'), col('Targets', 'targets_total'), col('Location')] });
      }
      const { job, results } = await follow(ctx, async () => (await post()) as components['schemas']['CommandAcceptedDto'], command);
      ctx.print(results, RESULTS);
      const bad = results.filter((r) => r.status !== 'SUCCESS').length;
      if (job.status !== 'SUCCESS' || bad) throw new ReportedFailure(`command ${job.id} ended ${job.status}: ${bad} of ${results.length} targets did not succeed${job.status_reason ? ` (${job.status_reason})` : ''}`, ExitCode.Failed);
      ctx.note(`command ${job.id}: ${results.length} targets succeeded`);
    });

  commands
    .command('get')
    .description('A command: status, counts, who ran it')
    .argument('<id>', 'command id')
    .addHelpText('after', examples('aws-mcp commands get 6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f'))
    .action(async (id, _opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().GET('/api/v1/commands/{id}', { params: { path: { id } } })), JOB);
    });

  withPaging(commands.command('list').description('Commands, newest first').option('--status <status>', 'IN_PROGRESS, SUCCESS, FAILED or CANCELLED'), 200)
    .addHelpText('after', examples('aws-mcp commands list --status FAILED'))
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await paged(ctx, opts, (cursor) => unwrap(ctx.client().GET('/api/v1/commands', { params: { query: { status: opts.status as never, limit: opts.limit, cursor } } }))), JOBS);
    });

  commands
    .command('output')
    .description('The results of a command: every target (with the first line of output), or one target\'s whole output')
    .argument('<id>', 'command id')
    .argument('[account-id]', 'one target: its account')
    .argument('[region]', 'one target: its region')
    .option('--status <status>', 'only targets in this status (list of targets)')
    .addHelpText('after', examples('aws-mcp commands output 6f1c2b1e-… ', 'aws-mcp commands output 6f1c2b1e-… 123456789012 us-east-1', 'aws-mcp commands output 6f1c2b1e-… 123456789012 us-east-1 -o json --query json.Reservations'))
    .action(async (id, accountId, region, opts, cmd) => {
      const ctx = contextOf(cmd);
      if (accountId && !region) throw new UsageError('commands output: give both <account-id> and <region>, or neither');
      if (!accountId || !region) {
        const page = await paged(ctx, { all: true }, (cursor) => unwrap(ctx.client().GET('/api/v1/commands/{id}/results', { params: { path: { id }, query: { status: opts.status as never, limit: 500, cursor } } })));
        return ctx.print(page.items, RESULTS);
      }
      const out = await unwrap(ctx.client().GET('/api/v1/commands/{id}/results/{account_id}/{region}', { params: { path: { id, account_id: accountId, region } } }));
      if (ctx.format === 'json' || ctx.format === 'yaml' || ctx.globals.query !== undefined) return ctx.print(out);
      // As the AWS CLI printed it: stdout here, its stderr on ours; control characters made visible.
      process.stdout.write(visible(out.stdout, true));
      if (out.stderr) process.stderr.write(visible(out.stderr, true));
      if (out.output_truncated) ctx.note('(output truncated by the server)');
      if (!isDone(out.status) || out.status !== 'SUCCESS') ctx.note(`target ${accountId}/${region}: ${out.status}${out.exit_code !== null ? `, exit ${out.exit_code}` : ''}`);
    });

  commands
    .command('cancel')
    .description('Stop a running command: no new target starts, running ones are stopped (operator)')
    .argument('<id>', 'command id')
    .addHelpText('after', examples('aws-mcp commands cancel 6f1c2b1e-3c2d-4a9e-8f7a-0d9c1b2a3e4f'))
    .action(async (id, _opts, cmd) => {
      const ctx = contextOf(cmd);
      ctx.print(await unwrap(ctx.client().POST('/api/v1/commands/{id}/cancel', { params: { path: { id } } })), JOB);
    });
}
