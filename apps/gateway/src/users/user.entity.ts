import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `gateway.users`. `password_hash` is an argon2id PHC string and never leaves the gateway. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'text' })
  password_hash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: string;

  @Column({ type: 'boolean' })
  disabled!: boolean;

  @Column({ type: 'timestamptz' })
  created_at!: Date;

  @Column({ type: 'timestamptz' })
  updated_at!: Date;
}
