import { ApiError } from '@app/api-client';
import { describe, expect, it } from 'vitest';
import { fieldErrorsFor } from './field-errors';

describe('fieldErrorsFor', () => {
  it('puts each message next to its field, and the rest above the form', () => {
    const e = new ApiError(400, {
      title: 'Request validation failed',
      errors: [
        { field: 'name', message: 'must not be empty' },
        { field: 'name', message: 'is too short' },
        { field: 'auth', message: 'must be an object' },
        { field: 'timeout_seconds', message: 'must be at most 300' },
      ],
    });
    expect(fieldErrorsFor(e, ['name', 'auth.type', 'auth.token'])).toEqual({
      byField: { name: 'must not be empty; is too short', 'auth.type': 'must be an object' },
      other: ['timeout_seconds: must be at most 300'],
    });
  });

  it('has nothing to say about errors that are not the API’s', () => {
    expect(fieldErrorsFor(new Error('boom'), ['name'])).toEqual({ byField: {}, other: [] });
  });
});
