import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
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

  async update(id: string, fields: Partial<Pick<UserEntity, 'password_hash' | 'role' | 'disabled'>>): Promise<UserEntity | null> {
    await this.repo.update({ id }, { ...fields, updated_at: new Date() });
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.repo.delete({ id });
    return (r.affected ?? 0) > 0;
  }

  /** Active admins other than `exceptId`: the last one cannot be removed, disabled or demoted. */
  countOtherActiveAdmins(exceptId: string): Promise<number> {
    return this.repo.createQueryBuilder('u').where('u.role = :role AND u.disabled = false AND u.id <> :id', { role: 'admin', id: exceptId }).getCount();
  }
}
