import { loadConfig } from '@app/config';
import { AppLogger, createPino } from '@app/observability';
import { Controller, Get, Module, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from './create-http-app';

@Controller()
class WhoController {
  @Get('who')
  who(@Req() req: FastifyRequest): { ip: string } {
    return { ip: req.ip };
  }
}

@Module({ controllers: [WhoController] })
class WhoModule {}

async function appWith(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = loadConfig({ argv: [], env });
  const logger = new AppLogger(createPino({ level: 'error', format: 'json', service: 'test' }));
  const nest = await createHttpApp(WhoModule, { app: 'test', config, logger, logRequests: false });
  await nest.init();
  await nest.getHttpAdapter().getInstance().ready();
  return nest;
}

const who = async (nest: NestFastifyApplication, remoteAddress: string, forwarded?: string) => {
  const res = await nest.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/who', remoteAddress, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} });
  return (res.json() as { ip: string }).ip;
};

describe('createHttpApp: the client address behind a proxy', () => {
  it('believes no X-Forwarded-For by default: a client cannot pick its own address', async () => {
    const nest = await appWith({});
    try {
      expect(await who(nest, '203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    } finally {
      await nest.close();
    }
  });

  it('takes the address left of the configured proxies, and only from them', async () => {
    const nest = await appWith({ MCP_SERVER_TRUSTED_PROXIES: '10.0.0.0/16' });
    try {
      // Behind the load balancer (10.0.3.7): the client it saw, not what the client claimed before it.
      expect(await who(nest, '10.0.3.7', '198.51.100.66, 203.0.113.5')).toBe('203.0.113.5');
      // A client that reaches the app directly is not believed.
      expect(await who(nest, '192.0.2.44', '198.51.100.1')).toBe('192.0.2.44');
    } finally {
      await nest.close();
    }
  });
});
