/** "a, b,  c" → ['a', 'b', 'c'] (commas or whitespace). */
export const splitList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** "env=prod, team=ops" or "env:prod" → { env: 'prod', team: 'ops' }. */
export function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = item.search(/[=:]/);
    if (i > 0) out[item.slice(0, i).trim()] = item.slice(i + 1).trim();
  }
  return out;
}

export const pairsText = (pairs: Record<string, string> | null | undefined): string =>
  Object.entries(pairs ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
