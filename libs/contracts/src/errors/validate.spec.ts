import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import { AppException } from './app.exception';
import { validateInto } from './validate';

class Sample {
  @IsString()
  @MaxLength(10)
  name!: string;

  @IsInt()
  @Min(1)
  count!: number;
}

function failure(input: unknown): AppException {
  try {
    validateInto(Sample, input, 'request body');
  } catch (e) {
    return e as AppException;
  }
  throw new Error('expected a validation failure');
}

describe('validateInto', () => {
  it('names each bad field once in the detail and keeps every broken rule in errors', () => {
    const e = failure({});
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.message).toBe('The request body has 2 invalid fields: name, count');
    expect(e.errors?.filter((f) => f.field === 'name').length).toBe(2);
    expect(e.errors?.filter((f) => f.field === 'count').length).toBe(2);
  });

  it('refuses unknown fields and non-objects, and returns the instance when valid', () => {
    expect(failure({ name: 'a', count: 1, extra: true }).errors).toEqual([{ field: 'extra', message: 'unknown field' }]);
    expect(failure([1]).message).toBe('The request body must be a JSON object');
    expect(validateInto(Sample, { name: 'a', count: 2 })).toBeInstanceOf(Sample);
  });
});
