import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputCapture } from './output-capture';

describe('OutputCapture', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'output-capture-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps small output in memory and spills nothing', async () => {
    const capture = new OutputCapture('stdout', 10, 100, () => dir);
    capture.write(Buffer.from('hello'));
    await capture.close();
    expect([capture.text(), capture.truncated, capture.path, capture.bytes]).toEqual(['hello', false, null, 5]);
  });

  it('cuts the head on a whole UTF-8 character and spills the whole stream in order', async () => {
    const capture = new OutputCapture('stdout', 5, 100, () => dir);
    capture.write(Buffer.from('abcd'));
    capture.write(Buffer.from('éfg')); // é is 2 bytes: bytes 5-6, split by the cap
    capture.write(Buffer.from('hij'));
    await capture.close();
    expect(capture.text()).toBe('abcd');
    expect(capture.truncated).toBe(true);
    expect(readFileSync(capture.path as string, 'utf8')).toBe('abcdéfghij');
  });

  it('stops spilling at the limit and says so', async () => {
    const capture = new OutputCapture('stderr', 2, 6, () => dir);
    expect(capture.write(Buffer.from('1234'))).toBe(true);
    expect(capture.write(Buffer.from('5678'))).toBe(false);
    await capture.close();
    expect(readFileSync(capture.path as string, 'utf8')).toBe('123456');
    expect(existsSync(join(dir, 'stderr'))).toBe(true);
    expect(capture.bytes).toBe(8);
  });
});
