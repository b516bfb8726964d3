import { validateInto } from '@app/contracts';
import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object];

/** Validates bodies and query strings against their contract classes with the same rules NATS handlers use. */
@Injectable()
export class ContractValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const cls = metadata.metatype;
    if (!cls || PRIMITIVES.includes(cls) || (metadata.type !== 'body' && metadata.type !== 'query')) return value;
    return validateInto(cls as new () => object, value ?? {}, metadata.type === 'body' ? 'request body' : 'query string');
  }
}
