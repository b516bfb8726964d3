import { AuthConfigDto, AuthType, CloudEvent, createCloudEvent, Direction } from '@app/contracts';

/**
 * Builders for connector tests (apps/integration-service/src/connectors/types/*): a full ConnectorContext
 * shape without importing the app, so that support code never depends on an app.
 */

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  meta?: Record<string, unknown>;
}

function memoryLogger(lines: LogLine[] = []) {
  const at = (level: LogLine['level']) => (msg: string, meta?: Record<string, unknown>) => {
    lines.push({ level, msg, meta });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function testAuth(fields: Partial<AuthConfigDto> = {}): AuthConfigDto {
  return Object.assign(new AuthConfigDto(), { type: AuthType.NONE }, fields);
}

export function testContext<T extends object = Record<string, unknown>>(args: {
  type: string;
  connection: T;
  direction?: Direction;
  auth?: Partial<AuthConfigDto>;
  timeoutMs?: number;
  dataDir?: string;
  lines?: LogLine[];
}) {
  return {
    integrationId: 'int-test',
    name: `test ${args.type}`,
    type: args.type,
    direction: args.direction ?? Direction.OUTBOUND,
    connection: args.connection as Record<string, unknown>,
    auth: testAuth(args.auth),
    timeoutMs: args.timeoutMs ?? 3000,
    dataDir: args.dataDir ?? '/nonexistent',
    outbound: { allow: ['127.0.0.0/8', '::1/128'] },
    logger: memoryLogger(args.lines),
  };
}

let seq = 0;
export function testMessage(data: unknown = { hello: 'world' }, deliveryId = `dlv-${process.pid}-${++seq}`): {
  deliveryId: string;
  attempt: number;
  event: CloudEvent;
} {
  return {
    deliveryId,
    attempt: 1,
    event: createCloudEvent({ type: 'fleet.resource.discovered', source: 'aws-mcp-server/test', subject: 'i-123', data }),
  };
}
