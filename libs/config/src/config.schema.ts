import { isIP } from 'node:net';
import { z } from 'zod';

/** `10.0.0.1`, `fd00::1`, `10.0.0.0/16` or `fd00::/8`. */
function isAddressOrCidr(v: string): boolean {
  const [addr, bits, ...rest] = v.split('/');
  const family = isIP(addr);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v))]);
const int = (min: number, max: number) => z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const url = (protocols: string[]) =>
  z
    .string()
    .min(1)
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a URL with scheme ${protocols.join(' or ')}`);
const list = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))]);

/** Log levels accept the seed's Python names as well as pino's. */
const LOG_LEVELS = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', WARN: 'warn', ERROR: 'error', TRACE: 'trace', FATAL: 'fatal' } as const;

/**
 * The configuration file, section by section (the seed's keys plus ours). Every key can be overridden from the
 * environment as MCP_<SECTION>_<KEY>; see loadConfig.
 */
export const ConfigSchema = z
  .object({
    aws: z
      .object({
        default_region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-west-2').default('us-west-2'),
        profile: z.string().min(1).optional(),
        endpoint_url: url(['http:', 'https:']).optional(),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        host: z.string().min(1).default('0.0.0.0'),
        port: int(0, 65535).default(8000),
        request_timeout_ms: int(100, 600000).default(15000),
        body_limit_bytes: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
        cors_origins: list.default([]),
        /**
         * Proxies (addresses or CIDRs, e.g. a load balancer's subnets) whose X-Forwarded-For is believed: the client
         * address of rate limits, lockouts and the audit is then the first address left of them. Empty: the socket's.
         */
        trusted_proxies: list.default([]).refine((l) => l.every(isAddressOrCidr), 'must list IP addresses or CIDRs (e.g. 10.0.0.0/16)'),
        shutdown_grace_ms: int(0, 600000).default(10000),
      })
      .strict()
      .prefault({}),
    integrations: z
      .object({
        data_dir: z.string().min(1).optional(),
        allow_outbound: list.default([]),
        /** Plugin modules loaded at start (paths relative to the config file, else the working directory); each exports register(registry). */
        plugins: list.default([]),
      })
      .strict()
      .prefault({}),
    logging: z
      .object({
        level: z
          .string()
          .transform((v) => v.toUpperCase())
          .pipe(z.enum(Object.keys(LOG_LEVELS) as [keyof typeof LOG_LEVELS, ...(keyof typeof LOG_LEVELS)[]], { message: `must be one of ${Object.keys(LOG_LEVELS).join(', ')}` }))
          .transform((v) => LOG_LEVELS[v])
          .default('info' as never),
        format: z.enum(['json', 'text'], { message: 'must be json or text' }).default('json'),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        url: url(['postgres:', 'postgresql:']).optional(),
        migrations_run: bool.default(true),
        pool_size: int(1, 100).default(10),
        ssl: bool.default(false),
      })
      .strict()
      .prefault({}),
    nats: z
      .object({
        url: z
          .string()
          .min(1)
          .refine((v) => v.split(',').every((u) => /^(nats|tls|ws|wss):\/\/[^\s]+$/.test(u.trim())), 'must be nats://host:port (comma-separated for a cluster)')
          .optional(),
        request_timeout_ms: int(100, 120000).default(5000),
        stream: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a JetStream stream name').default('MCP_EVENTS'),
        /**
         * One deployment among several on a NATS: `<prefix>.` goes before every subject (requests and events), and
         * `<prefix>_` (dots as underscores) before the stream, durable consumer and queue group names. Empty: none.
         */
        prefix: z
          .string()
          .max(64, 'must be at most 64 characters')
          .regex(/^([A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)?$/, 'must be NATS subject tokens (letters, digits, _ or -) separated by dots, e.g. acme.prod')
          .default(''),
        stream_max_age_hours: int(1, 24 * 365).default(168),
      })
      .strict()
      .prefault({}),
    fleet: z
      .object({
        /** Sync tasks (account × region, plus one global task per account) running at once in one fleet-service instance. */
        sync_concurrency: int(1, 256).default(8),
        /** Resources per multi-row upsert. */
        sync_batch_size: int(1, 10000).default(1000),
        /** Attempts of each AWS call by the SDK (standard retry mode, which backs off on throttling). */
        aws_max_attempts: int(1, 20).default(5),
        /** Attempts of a whole collector run under our retry policy, after the SDK gave up on a throttled or transient error. */
        collector_max_attempts: int(1, 10).default(3),
        /** How often each instance looks for accounts due for their periodic sync (0 turns periodic sync off). */
        scheduler_interval_seconds: int(0, 3600).default(30),
        /**
         * Sync leases: a running sync renews its run's lease (and a periodic sync its accounts') every quarter of this.
         * Unrenewed for this long, the instance counts as gone: another may take its accounts over, and its runs are ended "interrupted".
         */
        lease_seconds: int(30, 24 * 3600).default(120),
        /** Fleet commands: AWS CLI runs against one account at once, across all commands of this instance (keeps a fan-out under AWS throttling). */
        commands_per_account_concurrency: int(1, 64).default(4),
        /** Fleet commands: per stream, how much of a target's output is stored for GET …/results/{account}/{region}. */
        command_output_max_bytes: int(4096, 64 * 1024 * 1024).default(16 * 1024 * 1024),
        /** The AWS CLI program fleet commands run (a test knob: point it at a stand-in; the default finds `aws` on PATH). */
        aws_binary: z.string().min(1).default('aws'),
        /** Deny-list configuration of the command policy ({ mode, deny: [...] }, docs/cli-policy.md); checked at startup. A JSON string from the environment. */
        command_policy: z
          .preprocess((v) => {
            if (typeof v !== 'string') return v;
            try {
              return JSON.parse(v) as unknown;
            } catch {
              return v;
            }
          }, z.record(z.string(), z.unknown(), { message: 'must be a mapping { mode, deny: [...] } (JSON from the environment)' }))
          .optional(),
      })
      .strict()
      .prefault({}),
    data: z
      .object({ dir: z.string().min(1).default('./data') })
      .strict()
      .prefault({}),
    auth: z
      .object({
        /** HS256 signing secret of access tokens (≥ 32 bytes). Generated into the data dir in standalone mode; required in distributed mode. */
        jwt_secret: z.string().refine((v) => Buffer.byteLength(v, 'utf8') >= 32, 'must be at least 32 bytes (openssl rand -base64 48)').optional(),
        jwt_issuer: z.string().min(1).default('aws-mcp-server'),
        jwt_audience: z.string().min(1).default('aws-mcp-server-api'),
        access_token_ttl_seconds: int(60, 24 * 3600).default(900),
        refresh_token_ttl_seconds: int(300, 90 * 24 * 3600).default(7 * 24 * 3600),
        /** Password of the `admin` user created on first start when there are no users (BOOTSTRAP_ADMIN_PASSWORD). */
        bootstrap_admin_password: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
        /** Optional external identity provider: JWTs from this issuer are checked against its JWKS. */
        oidc_issuer: url(['http:', 'https:']).optional(),
        oidc_audience: z.string().min(1).optional(),
        /** Default: <issuer>/.well-known/jwks.json */
        oidc_jwks_url: url(['http:', 'https:']).optional(),
        oidc_role_claim: z.string().min(1).default('roles'),
        /** claim value=role pairs (e.g. mcp-admins=admin); without it, claim values that are role names map to themselves. */
        oidc_role_map: list.default([]),
        oidc_algorithms: list.default(['RS256', 'ES256', 'PS256', 'EdDSA']),
        /** Requests per minute per authenticated identity (user, API key) and per client address. */
        rate_limit_per_minute: int(1, 10_000_000).default(600),
        rate_limit_per_address_per_minute: int(1, 10_000_000).default(1200),
        /** Failed logins per username (and 4× that per address) within the window before a lockout. */
        login_max_failures: int(1, 1000).default(5),
        login_failure_window_seconds: int(1, 24 * 3600).default(900),
        login_lockout_seconds: int(1, 24 * 3600).default(900),
        /** Concurrent event streams per identity. */
        max_event_streams_per_identity: int(1, 1000).default(5),
      })
      .strict()
      .prefault({}),
    mcp: z
      .object({
        /** Serve the MCP endpoint (POST/GET/DELETE /mcp) on the gateway. */
        enabled: bool.default(true),
        /**
         * Host names (port-agnostic) the MCP endpoint answers to: a request whose Host, or Origin when it sends one, names
         * another is refused with 403 (DNS rebinding). Behind a load balancer, list the name clients use.
         */
        allowed_hosts: list.default(['localhost', '127.0.0.1', '[::1]']).refine((l) => l.length > 0 && l.every((h) => /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253})$/.test(h)), 'must list host names or addresses, without scheme or port'),
        /** The public URL of the endpoint (e.g. https://fleet.example.com/mcp) named by the protected-resource metadata; default: from the request. */
        public_url: url(['http:', 'https:']).optional(),
        /** Characters a tool result may have; a list pages below it (next_cursor), anything else is cut with a notice. */
        max_output_chars: int(1000, 10_000_000).default(100_000),
      })
      .strict()
      .prefault({}),
    graphql: z
      .object({
        /** Serve /graphql (queries, mutations, subscriptions over graphql-ws). */
        enabled: bool.default(true),
        /** GraphiQL at /graphiql (off by default: it is a page of foreign scripts on the API's origin). */
        graphiql: bool.default(false),
        /** Whether the schema may be introspected (the SDL is in docs/graphql.md either way). */
        introspection: bool.default(true),
        /** Deepest selection nesting a query may have. */
        max_depth: int(2, 50).default(8),
        /** Highest cost a query may have: 1 per field, times `first` for the fields of a connection's page. */
        max_complexity: int(10, 1_000_000).default(2000),
        /** Largest `first` a connection accepts. */
        max_page_size: int(1, 500).default(100),
      })
      .strict()
      .prefault({}),
    health: z
      .object({
        /** Checks one health-monitor process runs at once. */
        max_concurrency: int(1, 10000).default(256),
        /** How often each process looks for due checks (the scheduling lag is about half of it). */
        poll_interval_ms: int(20, 60000).default(250),
        /** Check results older than this are deleted. */
        history_retention_days: int(1, 3650).default(7),
        /**
         * Each process renews its heartbeat every third of this; when it stops (the process died), the checks it had
         * claimed are taken over after this long, whatever their timeout.
         */
        instance_ttl_ms: int(500, 600000).default(3000),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        encryption_key: z
          .string()
          .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded in base64 (openssl rand -base64 32)')
          .optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AppConfig = z.infer<typeof ConfigSchema>;
