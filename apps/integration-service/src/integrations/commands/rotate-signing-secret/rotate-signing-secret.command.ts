import { SigningSecretDto } from '@app/contracts';
import { Command } from '@nestjs/cqrs';

/** A new signing secret for a WEBHOOK; the replaced one stays in use for `graceSeconds` (0: ends at once). */
export class RotateSigningSecretCommand extends Command<SigningSecretDto> {
  constructor(
    readonly id: string,
    readonly graceSeconds: number,
  ) {
    super();
  }
}
