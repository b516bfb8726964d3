import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `gateway.refresh_tokens`: one per issued refresh token; a family is one login session. Only the SHA-256 is kept. */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  family_id!: string;

  @Column({ type: 'uuid' })
  user_id!: string;

  @Column({ type: 'char', length: 64 })
  token_hash!: string;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  expires_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  used_at!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoked_at!: Date | null;
}
