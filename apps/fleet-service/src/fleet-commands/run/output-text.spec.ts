import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headBytes, lastLine, readHead, storable } from './output-text';

describe('output text helpers', () => {
  it('cuts on a whole UTF-8 character', () => {
    expect(headBytes('abc', 10)).toEqual({ text: 'abc', truncated: false });
    expect(headBytes('aé', 2)).toEqual({ text: 'a', truncated: true });
    expect(headBytes('€€', 4)).toEqual({ text: '€', truncated: true });
  });

  it('replaces NUL, which PostgreSQL text cannot hold', () => {
    expect(storable('a\u0000b')).toBe('a\uFFFDb');
  });

  it('reads only the head of a large file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'out-'));
    try {
      writeFileSync(join(dir, 'f'), 'x'.repeat(10_000));
      await expect(readHead(join(dir, 'f'), 100)).resolves.toEqual({ text: 'x'.repeat(100), truncated: true });
      await expect(readHead(join(dir, 'f'), 20_000)).resolves.toEqual({ text: 'x'.repeat(10_000), truncated: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the last non-empty line as the error', () => {
    expect(lastLine('\nAn error occurred (X) when calling Y: nope\n\n')).toBe('An error occurred (X) when calling Y: nope');
    expect(lastLine('')).toBeNull();
  });
});
