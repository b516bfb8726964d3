import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { Optional } from '../common/validators';

/** How long a rotated-out signing secret stays valid by default (Svix's 24 hours), and at most (7 days). */
export const SIGNING_GRACE_DEFAULT_SECONDS = 86_400;
export const SIGNING_GRACE_MAX_SECONDS = 604_800;

/** `POST /integrations/{id}/signing-secret/rotate`. */
export class RotateSigningSecretBody {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: SIGNING_GRACE_MAX_SECONDS,
    default: SIGNING_GRACE_DEFAULT_SECONDS,
    description: 'How long the replaced secret is still signed with (outbound, a second `v1,` signature) and accepted (inbound); 0 ends it at once (after a leak)',
  })
  @Optional() @IsInt() @Min(0) @Max(SIGNING_GRACE_MAX_SECONDS)
  grace_seconds?: number;
}

export class RotateSigningSecretRequest extends RotateSigningSecretBody {
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** A WEBHOOK's signing secret in clear: only for admins, never in the integration's own body, never logged or audited. */
export class SigningSecretDto {
  @ApiProperty({ format: 'uuid' })
  integration_id!: string;

  @ApiProperty({ description: 'The `whsec_` secret (Standard Webhooks) deliveries are signed with now and inbound messages must be signed with', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret!: string;

  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'Until when the secret replaced by the last rotation is still used beside it; null when none is' })
  previous_secret_expires_at!: string | null;
}
