/**
 * The benchmark's baseline: a bare NestJS app on Fastify with one route that returns a fixed JSON body (the
 * same integration the gateway returns), no guard, no logging, no bus, no database. Prints its port.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

const body = JSON.parse(readFileSync(process.argv[2], 'utf8')) as unknown;

@Controller('api/v1/integrations')
class BareController {
  @Get(':id')
  get(): unknown {
    return body;
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
}

void main();
