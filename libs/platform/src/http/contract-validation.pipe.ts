import { assertStorableText, validateInto } from '@app/contracts';
import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];
const WHAT = { body: 'request body', query: 'query string', param: 'path' } as const;

/**
 * Validates bodies and query strings against their contract classes with the same rules NATS handlers use.
 * What has no contract class (a path parameter, a single query value) still gets the one rule every input
 * obeys: no text a database column cannot hold (validateInto applies it to the rest).
 */
@Injectable()
export class ContractValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const what = WHAT[metadata.type];
    const cls = metadata.metatype;
    if (!cls || PRIMITIVES.includes(cls) || metadata.type === 'param') {
      assertStorableText(value, what, metadata.data ?? '');
      return value;
    }
    return validateInto(cls as new () => object, value ?? {}, what);
  }
}
