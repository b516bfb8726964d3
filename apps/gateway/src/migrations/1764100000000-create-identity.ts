import { MigrationInterface, QueryRunner } from 'typeorm';

/** The gateway's identities: users, refresh-token sessions, API keys (hashes only) and the audit log. */
export class CreateIdentity1764100000000 implements MigrationInterface {
  name = 'CreateIdentity1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "gateway"."users" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "username" varchar(64) NOT NULL,
        "password_hash" text NOT NULL,
        "role" varchar(16) NOT NULL,
        "disabled" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX "users_username_key" ON "gateway"."users" (lower("username"))`);
    await q.query(`
      CREATE TABLE "gateway"."refresh_tokens" (
        "id" uuid PRIMARY KEY,
        "family_id" uuid NOT NULL,
        "user_id" uuid NOT NULL REFERENCES "gateway"."users" ("id") ON DELETE CASCADE,
        "token_hash" char(64) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        "revoked_at" timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX "refresh_tokens_hash_key" ON "gateway"."refresh_tokens" ("token_hash")`);
    await q.query(`CREATE INDEX "refresh_tokens_family_idx" ON "gateway"."refresh_tokens" ("family_id")`);
    await q.query(`CREATE INDEX "refresh_tokens_user_idx" ON "gateway"."refresh_tokens" ("user_id")`);
    await q.query(`
      CREATE TABLE "gateway"."api_keys" (
        "id" uuid PRIMARY KEY,
        "key_id" varchar(32) NOT NULL,
        "name" varchar(128) NOT NULL,
        "role" varchar(16) NOT NULL,
        "secret_hash" char(64) NOT NULL,
        "created_by" varchar(128),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz,
        "revoked_at" timestamptz,
        "last_used_at" timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX "api_keys_key_id_key" ON "gateway"."api_keys" ("key_id")`);
    await q.query(`
      CREATE TABLE "gateway"."audit_log" (
        "id" bigserial PRIMARY KEY,
        "at" timestamptz NOT NULL DEFAULT now(),
        "actor_kind" varchar(16) NOT NULL,
        "actor_id" varchar(128),
        "actor_name" varchar(128),
        "role" varchar(16),
        "method" varchar(8) NOT NULL,
        "path" varchar(512) NOT NULL,
        "route" varchar(512),
        "status" integer NOT NULL,
        "correlation_id" varchar(128) NOT NULL,
        "client_address" varchar(64) NOT NULL
      )`);
    await q.query(`CREATE INDEX "audit_log_at_idx" ON "gateway"."audit_log" ("at" DESC)`);
    await q.query(`CREATE INDEX "audit_log_actor_idx" ON "gateway"."audit_log" ("actor_name", "id" DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."audit_log"`);
    await q.query(`DROP TABLE "gateway"."api_keys"`);
    await q.query(`DROP TABLE "gateway"."refresh_tokens"`);
    await q.query(`DROP TABLE "gateway"."users"`);
  }
}
