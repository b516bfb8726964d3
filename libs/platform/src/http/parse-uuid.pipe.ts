import { AppException } from '@app/contracts';
import { Injectable, PipeTransform } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id is a 400 naming the parameter, not a 404 or a database error. */
@Injectable()
export class ParseUuidPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'id') {}

  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new AppException('VALIDATION_FAILED', `${this.name} must be a UUID`, { errors: [{ field: this.name, message: 'must be a UUID' }] });
    }
    return value.toLowerCase();
  }
}
