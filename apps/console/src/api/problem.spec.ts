import { describe, expect, it } from 'vitest';
import { ApiError, splitFieldErrors, toProblem } from './problem';

describe('problem+json', () => {
  it('keeps a problem body and its field errors', () => {
    const p = toProblem(400, { title: 'Request validation failed', status: 400, code: 'VALIDATION_FAILED', errors: [{ field: 'connection.url', message: 'must be a URL' }, { bogus: 1 }] });
    expect(p.code).toBe('VALIDATION_FAILED');
    expect(p.errors).toEqual([{ field: 'connection.url', message: 'must be a URL' }]);
  });

  it('describes what is not a problem', () => {
    expect(toProblem(502, '<html>bad gateway</html>', 'Bad Gateway')).toEqual({ title: 'Bad Gateway', status: 502, detail: '<html>bad gateway</html>' });
    expect(toProblem(0, 'Failed to fetch').title).toBe('The server cannot be reached');
  });

  it('puts each message next to its field, and the rest above the form', () => {
    const e = new ApiError(
      toProblem(400, {
        title: 'x',
        status: 400,
        errors: [
          { field: 'name', message: 'must not be empty' },
          { field: 'name', message: 'is too short' },
          { field: 'auth', message: 'must be an object' },
          { field: 'timeout_seconds', message: 'must be at most 300' },
        ],
      }),
    );
    expect(splitFieldErrors(e, ['name', 'auth.type', 'auth.token'])).toEqual({
      byField: { name: 'must not be empty; is too short', 'auth.type': 'must be an object' },
      other: ['timeout_seconds: must be at most 300'],
    });
  });
});
