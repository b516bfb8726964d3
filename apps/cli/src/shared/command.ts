import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import { CliContext, type GlobalOptions } from './context';
import { UsageError } from './exit-codes';
import { positiveInt } from './input';

let context: CliContext | undefined;

/** The context of this invocation, made once from the root options (so one correlation id for all its requests). */
export function contextOf(cmd: CommandUnknownOpts): CliContext {
  return (context ??= new CliContext(cmd.optsWithGlobals() as GlobalOptions));
}

/** Help text ending every verb's --help: what to type. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export interface PageOptions {
  limit?: number;
  cursor?: string;
  all?: true;
}

/** --limit, --cursor and --all of a list verb. */
export function withPaging<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>, max: number) {
  return cmd
    .option('--limit <n>', `items per page (at most ${max})`, positiveInt('--limit'))
    .option('--cursor <cursor>', 'continue after this page (the next_cursor of the previous one)')
    .option('--all', 'follow next_cursor and return every item in one list');
}

interface Page {
  items: unknown[];
  next_cursor?: string | null;
}

/**
 * One page, or with --all every page concatenated (`next_cursor: null`). A page that continues says how on
 * stderr, where it does not disturb the result.
 */
export async function paged<P extends Page>(ctx: CliContext, opts: PageOptions, fetchPage: (cursor: string | undefined) => Promise<P>): Promise<P> {
  let page = await fetchPage(opts.cursor);
  if (opts.all) {
    const items = [...page.items];
    while (page.next_cursor) {
      page = await fetchPage(page.next_cursor);
      items.push(...page.items);
    }
    return { ...page, items, next_cursor: null };
  }
  if (page.next_cursor && ctx.format !== 'json' && ctx.format !== 'yaml') ctx.note(`(more: --cursor ${page.next_cursor}, or --all)`);
  return page;
}

/** `true`/`false` option values. */
export function bool(option: string): (value: string) => boolean {
  return (value) => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new UsageError(`${option}: true or false (got "${value.slice(0, 20)}")`);
  };
}
