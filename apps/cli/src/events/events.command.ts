import { streamEvents } from '@app/api-client';
import type { Command } from '@commander-js/extra-typings';
import { search, type JSONValue } from '@jmespath-community/jmespath';
import { stringify as toYaml } from 'yaml';
import { contextOf, examples } from '../shared/command';
import { UsageError } from '../shared/exit-codes';
import { list, positiveInt } from '../shared/input';
import { cell } from '../shared/output';

export function registerEvents(program: Command): void {
  const events = program.command('events').description('The live event stream (CloudEvents over SSE)');

  events
    .command('tail')
    .description('Print events as they happen until interrupted (or --count); reconnects by itself without losing events')
    .option('--subjects <patterns>', 'comma-separated NATS patterns, e.g. "fleet.resource.*,health.>" (default: every domain)', list)
    .option('--after <id>', 'resume after this event id (the first column, or `id` in json) instead of starting now')
    .option('--count <n>', 'stop after n events', positiveInt('--count'))
    .addHelpText(
      'after',
      `${examples('aws-mcp events tail --subjects "fleet.resource.*,health.>"', 'aws-mcp events tail --subjects integration.delivery.failed -o json | jq .data', 'aws-mcp events tail --after 1042 --count 10')}\njson: one event per line ({"id", "type", "subject", "time", "data", …}); --query applies to each event.\n`,
    )
    .action(async (opts, cmd) => {
      const ctx = contextOf(cmd);
      if (opts.after !== undefined && !/^\d{1,15}$/.test(opts.after)) throw new UsageError('--after: an event id (a sequence number)');
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.once('SIGTERM', () => abort.abort());
      let seen = 0;
      await streamEvents(ctx.connection(), {
        subjects: opts.subjects,
        lastEventId: opts.after,
        signal: abort.signal,
        onOpen: () => ctx.note(`listening on ${opts.subjects?.join(',') ?? 'every domain'} (interrupt to stop)`),
        onDisconnect: (e, delay) => ctx.note(`stream interrupted (${(e as Error).message}); reconnecting in ${delay} ms`),
        onEvent: ({ id, data: event }) => {
          // The stream's id (sequence) is what --after takes; the CloudEvent's own id is `event_id`.
          const record = { id: id ?? null, type: event.type, subject: event.subject ?? null, time: event.time, source: event.source, event_id: event.id, correlation_id: event.correlationid ?? null, data: event.data };
          const shaped = ctx.globals.query === undefined ? record : search(record as unknown as JSONValue, ctx.globals.query);
          if (ctx.format === 'json') process.stdout.write(`${JSON.stringify(shaped)}\n`);
          else if (ctx.format === 'yaml') process.stdout.write(`---\n${toYaml(shaped)}`);
          else if (ctx.globals.query !== undefined) process.stdout.write(`${cell(shaped)}\n`);
          else process.stdout.write(`${[record.id, record.time, record.type, record.subject, cell(record.data)].map((v) => cell(v)).join(ctx.format === 'text' ? '\t' : '  ')}\n`);
          if (opts.count && ++seen >= opts.count) abort.abort();
        },
      });
    });
}
