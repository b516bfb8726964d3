import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login attempts per username and per client address, shared by every gateway replica: the lockout is counted and
 * checked under a row lock, so parallel logins cannot all pass the check before any failure is counted.
 */
export class LoginAttempts1764600000000 implements MigrationInterface {
  name = 'LoginAttempts1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "gateway"."login_attempts" (
        "key" text PRIMARY KEY,
        "attempts" integer NOT NULL DEFAULT 0,
        "window_start" timestamptz NOT NULL DEFAULT now(),
        "locked_until" timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."login_attempts"`);
  }
}
