import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

@Injectable()
export class ApiKeysRepository {
  private readonly repo: Repository<ApiKeyEntity>;

  constructor(@InjectDataSource() ds: DataSource) {
    this.repo = ds.getRepository(ApiKeyEntity);
  }

  insert(row: Omit<ApiKeyEntity, 'revoked_at' | 'last_used_at'>): Promise<ApiKeyEntity> {
    return this.repo.save(this.repo.create({ ...row, revoked_at: null, last_used_at: null }));
  }

  findByKeyId(keyId: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOne({ where: { key_id: keyId } });
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.repo.find({ order: { created_at: 'DESC' } });
  }

  async revoke(id: string): Promise<void> {
    await this.repo.createQueryBuilder().update().set({ revoked_at: () => 'now()' }).where('id = :id AND revoked_at IS NULL', { id }).execute();
  }

  async touch(id: string): Promise<void> {
    await this.repo.update({ id }, { last_used_at: new Date() });
  }
}
