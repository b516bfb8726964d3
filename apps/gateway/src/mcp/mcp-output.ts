import { AppException } from '@app/contracts';

/**
 * Texts already made, by value: a result is measured against the cap (fitPage, bounded) and then sent as text, and
 * serialising a 100 kB page twice is a large part of a call. Results are fresh objects of one call that nothing
 * changes once measured (a tool that adds to one builds a new object), so the text stays the value's.
 */
const texts = new WeakMap<object, string>();

/** The JSON a result is sent as (content text; structuredContent carries the same value). */
export function resultText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) texts.set(value, (text = JSON.stringify(value)));
  return text;
}

/** A result larger than mcp.max_output_chars that cannot page further: refused with what to do instead. */
export function tooLarge(chars: number, max: number, hint: string): AppException {
  return new AppException('MCP_OUTPUT_TOO_LARGE', `The result has ${chars} characters, more than mcp.max_output_chars (${max}): ${hint}`, { status: 413, title: 'Tool result too large' });
}

/** Refuses a non-list result over the cap (lists page with fitPage instead). */
export function bounded<T>(value: T, max: number, hint: string): T {
  const chars = resultText(value).length;
  if (chars > max) throw tooLarge(chars, max, hint);
  return value;
}

/**
 * A page of a list that fits in `max` characters: asks again with a smaller limit until it does, so the caller pages
 * on with next_cursor instead of getting a cut list. Each retry asks for strictly fewer items, so this ends; a single
 * item over the cap is refused.
 */
export async function fitPage<P extends { items: unknown[] }>(fetch: (limit: number) => Promise<P>, limit: number, max: number): Promise<P> {
  for (let want = limit; ; ) {
    const page = await fetch(want);
    const chars = resultText(page).length;
    if (chars <= max) return page;
    if (page.items.length <= 1) throw tooLarge(chars, max, 'one item is larger than that; read it through its own tool or resource');
    want = Math.max(1, Math.min(page.items.length - 1, Math.floor(((page.items.length * max) / chars) * 0.9)));
  }
}
