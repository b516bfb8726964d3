import { Identity } from '@app/auth';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A request after the guard: who is calling (undefined on public endpoints called without credentials). */
export type IdentifiedRequest = FastifyRequest & { identity?: Identity };

/** The caller's Identity, as the guard attached it. */
export const CurrentIdentity = createParamDecorator((_data: unknown, ctx: ExecutionContext): Identity | undefined => ctx.switchToHttp().getRequest<IdentifiedRequest>().identity);

/** The client address: the socket's peer (the gateway trusts no forwarding headers). */
export function clientAddress(req: FastifyRequest): string {
  return (req.ip ?? req.socket?.remoteAddress ?? 'unknown').slice(0, 64);
}
