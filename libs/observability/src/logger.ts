import { LoggerService } from '@nestjs/common';
import { isCredentialKey, redactUrlPasswords } from '@app/contracts';
import pino, { Logger as PinoLogger } from 'pino';
import { currentCorrelationId } from './correlation';
import { censorDatabaseError, scrubDatabaseText } from './database-errors';

export interface LoggerOptions {
  level: string;
  format: 'json' | 'text';
  /** App name, on every line. */
  service: string;
  destination?: NodeJS.WritableStream;
}

export const REDACTED = '[REDACTED]';
/** Deeper than this a logged object is cut: log lines are not a place for whole documents, and cycles end here. */
const MAX_DEPTH = 8;

/**
 * A copy of `value` with every credential-named key's value (isCredentialKey) and URL password censored, at any depth, copying only the objects that change (a
 * request's log line has nothing to censor and costs one pass over its keys). Errors are turned into pino's
 * serialized form first, so their enumerable properties (an SDK error's request, say) are censored too.
 * Replaces pino's path-based `redact`, whose wildcard paths cost more than the rest of a log line put together.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrlPasswords(scrubDatabaseText(value), REDACTED);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Object]';
  if (value instanceof Error) return redactSecrets(censorDatabaseError(pino.stdSerializers.err(value) as unknown as Record<string, unknown>), depth);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json = (value as { toJSON(): unknown }).toJSON();
    return json === value ? value : redactSecrets(json, depth);
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const r = redactSecrets(value[i], depth + 1);
      if (r !== value[i]) (out ??= value.slice())[i] = r;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    // the same rule that decides an integration's secrets: credential-named keys, any case or separator
    const r = isCredentialKey(key) && v !== undefined && v !== null ? REDACTED : redactSecrets(v, depth + 1);
    if (r !== v) (out ??= { ...obj })[key] = r;
  }
  return out ?? value;
}

const TEXT_LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function textStream(dest: NodeJS.WritableStream): NodeJS.WritableStream {
  return {
    write(chunk: string) {
      try {
        const { time, level, service, context, msg, correlation_id, ...rest } = JSON.parse(chunk);
        delete rest.pid;
        delete rest.hostname;
        const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
        dest.write(`${new Date(time).toISOString()} ${TEXT_LEVELS[level] ?? level} [${service}${context ? `/${context}` : ''}]${correlation_id ? ` (${correlation_id})` : ''} ${msg}${extra}\n`);
      } catch {
        dest.write(chunk);
      }
      return true;
    },
  } as unknown as NodeJS.WritableStream;
}

/** The process-wide pino root; one per (service, level, format). */
export function createPino(opts: LoggerOptions): PinoLogger {
  const dest = opts.destination ?? process.stdout;
  return pino(
    {
      level: opts.level,
      base: { service: opts.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const id = currentCorrelationId();
        return id ? { correlation_id: id } : {};
      },
      // redactSecrets has already serialized every Error (pino's own serializer would take the copy for an error again)
      serializers: { err: (e: unknown) => (e instanceof Error ? pino.stdSerializers.err(e) : e) },
      hooks: {
        // Message strings are censored like fields: a database error's message can quote a value, an error a URL with its password.
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = redactUrlPasswords(scrubDatabaseText(args[i] as string), REDACTED);
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
      formatters: {
        level: (label, number) => (opts.format === 'json' ? { level: label } : { level: number }),
        log: (obj) => redactSecrets(obj) as Record<string, unknown>,
      },
    },
    (opts.format === 'text' ? textStream(dest) : dest) as pino.DestinationStream,
  );
}

/** Nest's LoggerService over pino: JSON lines with service, context and correlation id. */
export class AppLogger implements LoggerService {
  constructor(private readonly root: PinoLogger) {}

  child(context: string): PinoLogger {
    return this.root.child({ context });
  }

  get pino(): PinoLogger {
    return this.root;
  }

  private write(level: 'info' | 'warn' | 'error' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]) {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n')) fields.stack = params.shift();
    if (message instanceof Error) {
      this.root[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.root[level]({ ...fields, ...(message as object) });
    } else {
      this.root[level](fields, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }
}
