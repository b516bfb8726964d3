import { SigningSecretDto } from '@app/contracts';
import { Query } from '@nestjs/cqrs';

/** A WEBHOOK's signing secret in clear, for an admin to give to the receiver (or sender) of its messages. */
export class GetSigningSecretQuery extends Query<SigningSecretDto> {
  constructor(readonly id: string) {
    super();
  }
}
