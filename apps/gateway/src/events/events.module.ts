import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventStreams } from './event-streams.service';

/** The live event stream (SSE) over the bus's replayable stream. */
@Module({ controllers: [EventsController], providers: [EventStreams] })
export class EventsModule {}
