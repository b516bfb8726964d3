import { open } from 'node:fs/promises';

/** The first `maxBytes` of a string, cut on a whole UTF-8 character. */
export function headBytes(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return { text: buf.subarray(0, end).toString('utf8'), truncated: true };
}

/** PostgreSQL text cannot hold NUL; anything else is kept as the CLI wrote it. */
export function storable(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text;
}

/** Reads at most `maxBytes` from the start of a file (a spill file may be far larger than we keep). */
export async function readHead(path: string, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(size, maxBytes + 4));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = headBytes(buf.subarray(0, bytesRead).toString('utf8'), maxBytes);
    return { text: head.text, truncated: head.truncated || size > maxBytes };
  } finally {
    await fh.close();
  }
}

/** The CLI's own explanation of a failure: its last non-empty stderr line, bounded. */
export function lastLine(text: string, max = 1000): string | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1];
  return last ? headBytes(last, max).text : null;
}
