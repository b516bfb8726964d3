import { AuditPageDto, ListAuditQuery } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { AuditRecorder } from './audit.recorder';
import { AuditRepository } from './audit.repository';

/** Reading the audit log, for every door (REST GET /api/v1/audit, GraphQL auditEntries). */
@Injectable()
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly recorder: AuditRecorder,
  ) {}

  /** Newest first; what this instance has recorded so far (still buffered) is flushed first, so it is visible. */
  async list(query: ListAuditQuery): Promise<AuditPageDto> {
    await this.recorder.flush();
    return this.repo.list(query);
  }
}
