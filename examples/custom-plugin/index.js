'use strict';
/**
 * An example integration plugin for AWS MCP Server, in plain JavaScript (CommonJS) so that it loads into the
 * built service (dist/) without a compile step. List it in the config file:
 *
 *   integrations:
 *     plugins:
 *       - ./examples/custom-plugin        # relative to the config file's folder
 *
 * It adds:
 *  1. a CUSTOM integration type plugin named "log-file" (choose it with `connection.plugin: log-file`):
 *     OUTBOUND appends every event as one JSON line to `connection.file`; INBOUND reads the lines appended to
 *     `connection.inbox_file` (each new line is one message, id `<file>:<line>`). Both paths are relative to
 *     `integrations.data_dir` and may not leave it.
 *  2. a CUSTOM auth provider named "hmac-sha256" for HTTP integrations (WEBHOOK, REST_API, GRAPHQL): it adds
 *     `x-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with `auth.custom.secret`
 *     (`secret` is stored encrypted like every secret-looking key).
 *
 * The contract a plugin implements is `ConnectorPlugin` / `Connector` in
 * apps/integration-service/src/connectors/connector.port.ts; the auth provider's is `AuthProvider` in
 * apps/integration-service/src/connectors/auth/auth-provider.ts.
 */
const { createHmac } = require('node:crypto');
const fs = require('node:fs/promises');
const path = require('node:path');

/** A relative path that stays inside the data dir, or the reason it does not. */
function pathProblem(value) {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) return 'must be a relative path of 1-512 characters';
  if (path.isAbsolute(value) || value.split(/[\\/]+/).includes('..') || value.includes('\0')) return "must be relative to the data directory, without '..'";
  return null;
}

class LogFileConnector {
  constructor(ctx) {
    this.ctx = ctx;
    this.out = ctx.connection.file ? path.join(ctx.dataDir, ctx.connection.file) : undefined;
    this.inbox = ctx.connection.inbox_file ? path.join(ctx.dataDir, ctx.connection.inbox_file) : undefined;
    this.pollMs = Math.round((ctx.connection.poll_interval_seconds ?? 0.5) * 1000);
    this.listener = undefined;
  }

  async initialize() {
    for (const f of [this.out, this.inbox]) if (f) await fs.mkdir(path.dirname(f), { recursive: true });
  }

  async healthCheck() {
    const started = Date.now();
    try {
      await this.initialize();
      for (const f of [this.out, this.inbox]) if (f) await fs.access(path.dirname(f), fs.constants.W_OK);
      return { healthy: true, latencyMs: Date.now() - started };
    } catch (e) {
      return { healthy: false, latencyMs: Date.now() - started, error: `not writable: ${e.message}` };
    }
  }

  async send(message) {
    const started = Date.now();
    try {
      if (!this.out) throw new Error('connection.file is not set');
      await fs.appendFile(this.out, JSON.stringify({ delivery_id: message.deliveryId, attempt: message.attempt, event: message.event }) + '\n');
      return { ok: true, retryable: false, durationMs: Date.now() - started };
    } catch (e) {
      return { ok: false, retryable: true, error: e.message, durationMs: Date.now() - started };
    }
  }

  /** Polls the inbox file; a line is passed on once, and only after the previous one was handled. */
  async startListening(handler) {
    if (this.listener) return;
    if (!this.inbox) throw new Error('connection.inbox_file is not set');
    const state = { stopped: false, wake: undefined };
    const name = this.ctx.connection.inbox_file;
    let handled = 0; // lines handled so far (in memory: after a restart lines are offered again, and dropped as duplicates by their id)
    const loop = async () => {
      while (!state.stopped) {
        try {
          const text = await fs.readFile(this.inbox, 'utf8').catch((e) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
          const lines = text.split('\n');
          lines.pop(); // the part after the last newline is not a complete line yet
          while (handled < lines.length && !state.stopped) {
            const raw = lines[handled];
            let data = raw;
            try {
              data = JSON.parse(raw);
            } catch {
              // plain text lines are passed as they are
            }
            await handler({ id: `${name}:${handled + 1}`, data, attributes: { file: name, line: String(handled + 1) } });
            handled++;
          }
        } catch (e) {
          this.ctx.logger.warn('log-file inbox poll failed', { error: e.message });
        }
        await new Promise((resolve) => {
          state.wake = resolve;
          setTimeout(resolve, this.pollMs).unref();
        });
      }
    };
    this.listener = { state, done: loop() };
  }

  async stopListening() {
    const l = this.listener;
    this.listener = undefined;
    if (!l) return;
    l.state.stopped = true;
    l.state.wake?.();
    await l.done;
  }

  async close() {
    await this.stopListening();
  }
}

const logFilePlugin = {
  name: 'log-file',
  type: 'CUSTOM',
  directions: ['OUTBOUND', 'INBOUND', 'BIDIRECTIONAL'],
  authTypes: ['NONE'],
  description: 'Example: events appended as JSON lines to a log file; lines appended to an inbox file received',
  inboundConcurrency: 'one-replica',
  validateConnection(connection, direction) {
    const errors = [];
    const sends = direction !== 'INBOUND';
    const receives = direction === 'INBOUND' || direction === 'BIDIRECTIONAL';
    for (const [key, needed] of [['file', sends], ['inbox_file', receives]]) {
      if (connection[key] === undefined) {
        if (needed) errors.push({ field: key, message: `${key} is required` });
        continue;
      }
      const problem = pathProblem(connection[key]);
      if (problem) errors.push({ field: key, message: problem });
    }
    const poll = connection.poll_interval_seconds;
    if (poll !== undefined && !(typeof poll === 'number' && poll >= 0.1 && poll <= 3600)) errors.push({ field: 'poll_interval_seconds', message: 'must be between 0.1 and 3600' });
    return errors;
  },
  create(context) {
    return new LogFileConnector(context);
  },
};

const hmacAuthProvider = {
  validate(auth) {
    const c = auth.custom ?? {};
    const errors = [];
    if (typeof c.secret !== 'string' || c.secret.length < 16) errors.push({ field: 'custom.secret', message: 'custom.secret must be at least 16 characters' });
    if (c.header !== undefined && !(typeof c.header === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(c.header))) errors.push({ field: 'custom.header', message: 'custom.header must be a header name' });
    return errors;
  },
  /** Returns the request with the signature header added; never changes the input. */
  async apply(request, ctx) {
    const c = ctx.auth.custom;
    const t = Math.floor((ctx.now ? ctx.now() : Date.now()) / 1000);
    const body = request.body === undefined ? '' : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
    const mac = createHmac('sha256', c.secret).update(`${t}.`).update(body).digest('hex');
    return { ...request, headers: { ...request.headers, [(c.header ?? 'x-signature').toLowerCase()]: `t=${t},v1=${mac}` } };
  },
};

/** Called once at start with the service's ConnectorRegistry. */
function register(registry) {
  registry.registerCustomPlugin('log-file', logFilePlugin);
  registry.registerCustomAuthProvider('hmac-sha256', hmacAuthProvider);
}

module.exports = { register, logFilePlugin, hmacAuthProvider };
