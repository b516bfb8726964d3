import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

/** Refresh tokens (by hash) and their families; one family is one login session. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(row: Pick<RefreshTokenEntity, 'id' | 'family_id' | 'user_id' | 'token_hash' | 'expires_at'>): Promise<void> {
    await this.ds.query(`INSERT INTO "gateway"."refresh_tokens" ("id", "family_id", "user_id", "token_hash", "expires_at") VALUES ($1, $2, $3, $4, $5)`, [
      row.id,
      row.family_id,
      row.user_id,
      row.token_hash,
      row.expires_at,
    ]);
  }

  async findByHash(hash: string): Promise<RefreshTokenEntity | undefined> {
    const rows: RefreshTokenEntity[] = await this.ds.query(`SELECT * FROM "gateway"."refresh_tokens" WHERE "token_hash" = $1`, [hash]);
    return rows[0];
  }

  /** Marks the token used, atomically: only one of two racing refreshes wins. */
  async markUsed(id: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`UPDATE "gateway"."refresh_tokens" SET "used_at" = now() WHERE "id" = $1 AND "used_at" IS NULL AND "revoked_at" IS NULL RETURNING "id"`, [id]);
    return rows.length > 0;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.ds.query(`UPDATE "gateway"."refresh_tokens" SET "revoked_at" = now() WHERE "family_id" = $1 AND "revoked_at" IS NULL`, [familyId]);
  }

  async revokeUser(userId: string): Promise<void> {
    await this.ds.query(`UPDATE "gateway"."refresh_tokens" SET "revoked_at" = now() WHERE "user_id" = $1 AND "revoked_at" IS NULL`, [userId]);
  }

  /** The user of the session when it still stands (not logged out, not revoked by reuse or a password change), else null. */
  async activeFamilyOwner(familyId: string): Promise<string | null> {
    const rows: Array<{ user_id: string }> = await this.ds.query(`SELECT "user_id" FROM "gateway"."refresh_tokens" WHERE "family_id" = $1 AND "revoked_at" IS NULL LIMIT 1`, [familyId]);
    return rows[0]?.user_id ?? null;
  }
}
