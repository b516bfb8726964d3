import { fitPart } from './get-command-output.handler';

describe('fitPart', () => {
  it('keeps a part whose JSON encoding fits', () => {
    expect(fitPart('abc', 100)).toEqual({ chunk: 'abc', codePoints: 3 });
  });

  it('halves a part until its JSON encoding fits, counting code points (not UTF-16 units)', () => {
    const text = '😀'.repeat(100);
    const { chunk, codePoints } = fitPart(text, 150);
    expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(150);
    expect(chunk).toBe('😀'.repeat(codePoints));
    expect(codePoints).toBeGreaterThan(0);
  });

  it('accounts for JSON escaping of control characters', () => {
    const { chunk } = fitPart('\u0001'.repeat(100), 200);
    expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(200);
  });
});
