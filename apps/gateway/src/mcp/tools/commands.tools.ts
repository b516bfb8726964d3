import { identityKey } from '@app/auth';
import { AppException, CheckCommandBody, CommandDto, ListCommandResultsQuery, RunCommandBody, validateInto } from '@app/contracts';
import { acceptedContent, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { canElicit, requestDigest } from '../mcp-confirmation';
import { bounded, fitPage, resultText } from '../mcp-output';
import { cursorArg, defineTool, READ_ONLY, ToolRun } from '../mcp-tool';

const uuid = z.string().uuid();
const accountId = z.string().regex(/^\d{12}$/);
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);
const POLL_MS = 250;

const CommandSchema = z.looseObject({
  id: z.string(),
  command: z.string(),
  service: z.string(),
  operation: z.string(),
  mutating: z.boolean(),
  status: z.string(),
  status_reason: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
const ResultSchema = z.looseObject({ account_id: z.string(), region: z.string(), status: z.string(), exit_code: z.number().nullable() });
const ResultsPage = z.object({ items: z.array(ResultSchema), limit: z.number().int(), next_cursor: z.string().nullable() });
const VerdictSchema = z.looseObject({ allowed: z.boolean(), service: z.string().optional(), operation: z.string().optional(), mutating: z.boolean().optional(), code: z.string().optional(), message: z.string().optional() });

const confirmSchema = z.object({ confirm: z.boolean().meta({ title: 'Run this command that changes AWS resources' }) });

/** Cancels the command as soon as the MCP request is cancelled (the client aborted or closed the stream). */
function cancelOnAbort(run: ToolRun, id: string): () => void {
  const signal = run.mcp.mcpReq.signal;
  const cancel = () => void run.services.commands.cancel(id, run.identity).catch(() => undefined);
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Follows a running command, one progress notification per newly finished target when the caller sent a token. */
async function follow(run: ToolRun, id: string, waitSeconds: number): Promise<CommandDto> {
  const { signal, _meta } = run.mcp.mcpReq;
  const token = _meta?.progressToken;
  const deadline = Date.now() + waitSeconds * 1000;
  let reported = 0;
  for (;;) {
    const job = await run.services.commands.get(id);
    const finished = job.counts.total - job.counts.pending - job.counts.in_progress;
    if (token !== undefined && finished > reported && !signal.aborted) {
      reported = finished;
      await run.mcp.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: finished, total: job.counts.total, message: `${finished} of ${job.counts.total} targets finished` } });
    }
    if (job.status !== 'IN_PROGRESS' || Date.now() >= deadline) return job;
    if (signal.aborted) throw new AppException('MCP_CANCELLED', `The request was cancelled: command ${id} was cancelled too`, { status: 499, title: 'Cancelled' });
    await sleep(POLL_MS, signal);
  }
}

async function commandWithResults(run: ToolRun, job: CommandDto, cursor?: string) {
  const query = validateInto(ListCommandResultsQuery, { ...(cursor ? { cursor } : {}) }, 'arguments');
  const results = await fitPage((limit) => run.services.commands.results(job.id, { ...query, limit }), 100, Math.max(1000, run.maxChars - resultText(job).length - 200));
  return { command: job, results, finished: job.status !== 'IN_PROGRESS' };
}

const runAwsCli = defineTool({
  name: 'run_aws_cli',
  title: 'Run an AWS CLI command across the fleet',
  description:
    'Runs one AWS CLI command (e.g. "ec2 describe-instances --filters Name=instance-state-name,Values=running", a leading "aws" is optional) in every chosen account × region at once, with the real aws CLI and each account\'s own credentials (the role the service assumes), and returns each target\'s status and exit code (read full output with get_command_output). accounts: "all" (every enabled account) or account ids; regions: "*" (each account\'s configured regions) or region names; account_tags narrows to accounts carrying those tags. The command goes through the same policy as the REST API: no shell, pipes, redirections, local files, URLs or credential-changing options; check_aws_cli tells in advance what the policy says. Commands that change anything need the operator role and the user\'s explicit confirmation: asked by elicitation when your client supports it, otherwise the call is refused with a confirmation_token to send back with the identical arguments once the user agreed. max_concurrency limits targets at once, max_errors stops starting targets after that many failures (count or "10%"), timeout_seconds bounds each target, dry_run lists the targets and the verdict without running. The call waits up to wait_seconds (default 120) and reports progress per finished target when you send a progress token; cancelling the request cancels the command\'s remaining targets. If it is still running after wait_seconds, follow it with get_command.',
  permission: 'CommandsRun',
  input: z.object({
    command: z.string().min(1).max(65536).describe('The AWS CLI command: "<service> <operation> [options]"'),
    accounts: z.union([z.literal('all'), z.array(accountId).min(1).max(1000)]).default('all').describe('"all" or a list of 12-digit account ids'),
    regions: z.union([z.literal('*'), z.array(region).min(1).max(64)]).default('*').describe('"*" or a list of regions, e.g. ["us-east-1"]'),
    account_tags: z.record(z.string(), z.string()).optional().describe('Only accounts carrying all these tags'),
    max_concurrency: z.number().int().min(1).max(64).optional().describe('Targets at once (default 8)'),
    max_errors: z.union([z.number().int().min(0), z.string().regex(/^\d{1,3}%$/)]).optional().describe('Failures before no new target starts: a count or a percentage (default 0)'),
    timeout_seconds: z.number().int().min(1).max(3600).optional().describe('Per target (default 300)'),
    dry_run: z.boolean().optional().describe('Only expand the targets and check the policy'),
    wait_seconds: z.number().int().min(0).max(600).default(120).describe('How long to wait for the command to finish before answering'),
    confirmation_token: z.string().max(256).optional().describe('Only when a previous call was refused for confirmation and the user agreed: the token it returned'),
  }),
  output: z.looseObject({
    dry_run: z.boolean().optional(),
    policy: VerdictSchema.optional(),
    targets_total: z.number().int().optional(),
    targets: z.array(z.object({ account_id: z.string(), region: z.string() })).optional(),
    command: z.union([CommandSchema, z.string()]).optional(),
    results: ResultsPage.optional(),
    finished: z.boolean().optional(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(args, run) {
    const { services, identity } = run;
    const body = validateInto(
      RunCommandBody,
      { command: args.command, targets: { account_ids: args.accounts, regions: args.regions, ...(args.account_tags ? { account_tags: args.account_tags } : {}) }, max_concurrency: args.max_concurrency, max_errors: args.max_errors, timeout_seconds: args.timeout_seconds },
      'arguments',
    );
    // The policy decides before anything else: a refused command is never stored, expanded or run.
    const check = await services.commands.check({ command: body.command, help: false }, identity);
    if (!check.policy.allowed) throw new AppException(check.policy.code ?? 'CLI_COMMAND_DENIED', check.policy.message ?? 'The command policy refuses this command');
    const mutating = check.policy.mutating === true;
    if (args.dry_run) {
      const dry = await services.commands.run({ ...body, dry_run: true, allow_mutations: mutating }, identity);
      return { result: dry };
    }
    if (mutating) {
      const digest = requestDigest(identityKey(identity), { ...body });
      const what = `"${check.policy.service} ${check.policy.operation}" changes AWS resources`;
      if (canElicit(run.mcp)) {
        // Elicitation: the user answers in the client. A confirmation_token does not replace it.
        const answer = inputResponse(run.mcp.mcpReq.inputResponses, 'confirm');
        if (answer.kind === 'elicit' && answer.action !== 'accept') throw new AppException('MCP_CONFIRMATION_DECLINED', `The user did not confirm: ${what}; nothing was run`, { status: 428, title: 'Not confirmed' });
        const confirmed = acceptedContent(run.mcp.mcpReq.inputResponses, 'confirm', confirmSchema);
        const state = run.mcp.mcpReq.requestState<string>();
        if (confirmed?.confirm !== true || !run.confirmations.verify(state, digest)) {
          return {
            inputRequired: inputRequired({
              inputRequests: { confirm: inputRequired.elicit({ message: `Run "${body.command}" on the chosen accounts and regions? ${what}.`, requestedSchema: confirmSchema }) },
              requestState: run.confirmations.mint(digest),
            }),
          };
        }
      } else if (!run.confirmations.verify(args.confirmation_token, digest)) {
        throw new AppException(
          'MCP_CONFIRMATION_REQUIRED',
          `${what}. Ask the user to confirm; if they agree, call run_aws_cli again with exactly the same arguments plus confirmation_token: "${run.confirmations.mint(digest)}" (valid 5 minutes, for this command, these targets and you only). Nothing was run.`,
          { status: 428, title: 'Confirmation required' },
        );
      }
    }
    const accepted = await services.commands.run({ ...body, allow_mutations: mutating }, identity);
    if ('dry_run' in accepted) return { result: accepted };
    const release = cancelOnAbort(run, accepted.id);
    try {
      const job = await follow(run, accepted.id, args.wait_seconds);
      return { result: await commandWithResults(run, job) };
    } finally {
      release();
    }
  },
});

const getCommand = defineTool({
  name: 'get_command',
  title: 'Get a fleet command',
  description:
    'The status of a fleet command started by run_aws_cli (IN_PROGRESS, SUCCESS, PARTIAL, FAILED, CANCELLED, …), its counts per target status, who ran it and when, and a page of per-target results (account, region, status, exit code, the first 4 KB of stdout and stderr). Page the results with cursor; read a target\'s whole output with get_command_output.',
  permission: 'InventoryRead',
  input: z.object({ id: uuid.describe('The command id run_aws_cli returned'), cursor: cursorArg }),
  output: z.object({ command: CommandSchema, results: ResultsPage, finished: z.boolean() }),
  annotations: READ_ONLY,
  async run({ id, cursor }, run) {
    return { result: await commandWithResults(run, await run.services.commands.get(id), cursor) };
  },
});

const getCommandOutput = defineTool({
  name: 'get_command_output',
  title: 'Read one target\'s command output',
  description:
    'The output of one target (account × region) of a fleet command: stdout or stderr as stored (up to fleet.command_output_max_bytes), paged by character offset so that a large output is read in parts: pass next_offset back as offset until it is null. When the whole stdout is JSON and fits in one part, json holds it parsed.',
  permission: 'InventoryRead',
  input: z.object({
    id: uuid.describe('The command id'),
    account_id: accountId.describe('The target\'s account'),
    region: z.string().regex(/^[a-z0-9-]{1,32}$/).describe('The target\'s region'),
    stream: z.enum(['stdout', 'stderr']).default('stdout'),
    offset: z.number().int().min(0).default(0).describe('Character offset to read from (next_offset of the previous part)'),
  }),
  output: z.object({
    account_id: z.string(),
    region: z.string(),
    status: z.string(),
    exit_code: z.number().nullable(),
    stream: z.enum(['stdout', 'stderr']),
    offset: z.number().int(),
    text: z.string(),
    next_offset: z.number().int().nullable(),
    total_chars: z.number().int(),
    output_truncated: z.boolean().describe('True when the stored output was cut at the storage bound'),
    json: z.unknown().optional(),
  }),
  annotations: READ_ONLY,
  async run({ id, account_id, region, stream, offset }, run) {
    const out = await run.services.commands.output({ id, account_id, region });
    const whole = out[stream];
    // Room for the envelope; JSON escaping can grow text, so the slice is measured as it will be sent.
    let size = Math.max(500, run.maxChars - 1000);
    let text = whole.slice(offset, offset + size);
    while (size > 100 && JSON.stringify(text).length > run.maxChars - 1000) text = whole.slice(offset, offset + (size = Math.floor(size * 0.8)));
    const end = offset + text.length;
    const all = offset === 0 && end >= whole.length;
    return {
      result: {
        account_id: out.account_id,
        region: out.region,
        status: out.status,
        exit_code: out.exit_code,
        stream,
        offset,
        text,
        next_offset: end < whole.length ? end : null,
        total_chars: whole.length,
        output_truncated: out.output_truncated,
        ...(all && stream === 'stdout' && out.json !== null && resultText(out.json).length + resultText(text).length < run.maxChars - 1000 ? { json: out.json } : {}),
      },
    };
  },
});

const checkAwsCli = defineTool({
  name: 'check_aws_cli',
  title: 'Check an AWS CLI command without running it',
  description:
    'Tells what the command policy says about an AWS CLI command for your role, without running it: allowed or refused (with the refusal code and reason, e.g. a shell operator, a local file, a URL, a credentials option, a denied operation), its service and operation, and whether it changes anything (then run_aws_cli needs the operator role and a confirmation). With help (default true) also the operation\'s documentation from the real aws CLI (`aws <service> <operation> help`): synopsis, options and examples, cut to fit.',
  permission: 'InventoryRead',
  input: z.object({ command: z.string().min(1).max(65536).describe('The command to check'), help: z.boolean().default(true).describe('Also return the CLI\'s help text') }),
  output: z.object({ command: z.string(), role: z.string(), policy: VerdictSchema, help: z.string().nullable(), help_truncated: z.boolean() }),
  annotations: READ_ONLY,
  async run(args, run) {
    const body = validateInto(CheckCommandBody, args, 'arguments');
    const check = await run.services.commands.check(body, run.identity);
    const room = run.maxChars - resultText({ ...check, help: '' }).length - 200;
    if (check.help !== null && resultText(check.help).length > room) {
      let help = check.help.slice(0, room);
      while (help.length > 0 && resultText(help).length > room) help = help.slice(0, Math.floor(help.length * 0.9));
      return { result: { ...check, help, help_truncated: true } };
    }
    return { result: bounded(check, run.maxChars, 'check without help') };
  },
});

export const COMMAND_TOOLS = [runAwsCli, getCommand, getCommandOutput, checkAwsCli];
