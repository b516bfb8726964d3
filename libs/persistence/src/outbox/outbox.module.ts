import { MessageBus } from '@app/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from './outbox';
import { DEFAULT_OUTBOX_RELAY_SETTINGS, OUTBOX_RELAY_SETTINGS, OUTBOX_STORE, OutboxRelay, OutboxRelaySettings } from './outbox.relay';
import { OutboxStore } from './outbox.store';

/**
 * A service's outbox on `<schema>.outbox` (created by the service's own migration): `Outbox` for its repositories,
 * `OutboxRelay` running in the background. Needs the service's DataSource, MESSAGE_BUS and APP_NAME.
 */
@Module({})
export class OutboxModule {
  static forSchema(schema: string, settings: Partial<OutboxRelaySettings> = {}): DynamicModule {
    return {
      module: OutboxModule,
      global: true,
      providers: [
        { provide: OUTBOX_STORE, useValue: new OutboxStore(schema) },
        { provide: OUTBOX_RELAY_SETTINGS, useValue: { ...DEFAULT_OUTBOX_RELAY_SETTINGS, ...settings } },
        OutboxRelay,
        Outbox,
      ],
      exports: [Outbox, OutboxRelay],
    };
  }
}

/** The same wiring by hand, for code outside a Nest app (specs, scripts). The relay runs only once started. */
export function createOutbox(ds: DataSource, schema: string, bus: MessageBus, app: string, settings: Partial<OutboxRelaySettings> = {}): { outbox: Outbox; relay: OutboxRelay } {
  const store = new OutboxStore(schema);
  const relay = new OutboxRelay(ds, bus, app, store, { ...DEFAULT_OUTBOX_RELAY_SETTINGS, ...settings });
  return { outbox: new Outbox(ds, store, relay), relay };
}
