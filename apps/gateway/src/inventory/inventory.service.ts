import { RpcSubjects, StartSyncRequest, SyncAcceptedDto, SyncRunDto } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';

/** Inventory syncs, for every door. */
@Injectable()
export class InventoryService {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  startSync(body: StartSyncRequest): Promise<SyncAcceptedDto> {
    return this.bus.request(RpcSubjects.FleetSyncStart, body);
  }

  getSync(id: string): Promise<SyncRunDto> {
    return this.bus.request(RpcSubjects.FleetSyncGet, { id });
  }
}
