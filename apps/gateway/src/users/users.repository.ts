import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { rowsOf } from '@app/persistence';
import { DataSource, Repository } from 'typeorm';
import { UserEntity } from './user.entity';

/** The users table. Usernames are unique regardless of case. */
@Injectable()
export class UsersRepository {
  private readonly repo: Repository<UserEntity>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.repo = ds.getRepository(UserEntity);
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  async findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
  }

  list(): Promise<UserEntity[]> {
    return this.repo.find({ order: { created_at: 'ASC' } });
  }

  /** Inserts a user; false when the username is taken. */
  async insert(fields: Pick<UserEntity, 'username' | 'password_hash' | 'role'>): Promise<UserEntity | false> {
    const now = new Date();
    const rows: UserEntity[] = await this.ds.query(
      `INSERT INTO "gateway"."users" ("id", "username", "password_hash", "role", "disabled", "created_at", "updated_at")
       VALUES ($1, $2, $3, $4, false, $5, $5) ON CONFLICT DO NOTHING RETURNING *`,
      [randomUUID(), fields.username, fields.password_hash, fields.role, now],
    );
    return rows[0] ?? false;
  }

  /**
   * Changes (or, with `fields` null, deletes) a user while no other change to an active admin can interleave: the
   * active admins and the user are locked first (`FOR UPDATE`, in id order, so that two such changes wait for each
   * other instead of deadlocking), then `check` sees the user as it is now and how many other active admins there
   * are, and may throw to change nothing. Two admins demoted at the same moment cannot both see the other as the
   * one that remains. Null when the user does not exist.
   */
  async changeGuarded(id: string, fields: Partial<Pick<UserEntity, 'password_hash' | 'role' | 'disabled'>> | null, check: (user: UserEntity, otherActiveAdmins: number) => void): Promise<UserEntity | null> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT "id" FROM "gateway"."users" WHERE ("role" = 'admin' AND NOT "disabled") OR "id" = $1 ORDER BY "id" FOR UPDATE`, [id]);
      const [user] = rowsOf<UserEntity>(await m.query(`SELECT * FROM "gateway"."users" WHERE "id" = $1`, [id]));
      if (!user) return null;
      const [{ n }] = rowsOf<{ n: number }>(await m.query(`SELECT count(*)::int AS "n" FROM "gateway"."users" WHERE "role" = 'admin' AND NOT "disabled" AND "id" <> $1`, [id]));
      check(user, n);
      if (fields === null) {
        await m.query(`DELETE FROM "gateway"."users" WHERE "id" = $1`, [id]);
        return user;
      }
      const [updated] = rowsOf<UserEntity>(
        await m.query(
          `UPDATE "gateway"."users" SET "password_hash" = COALESCE($2, "password_hash"), "role" = COALESCE($3, "role"), "disabled" = COALESCE($4, "disabled"), "updated_at" = now()
            WHERE "id" = $1 RETURNING *`,
          [id, fields.password_hash ?? null, fields.role ?? null, fields.disabled ?? null],
        ),
      );
      return updated;
    });
  }
}
