import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ApiClient, type ApiClientOptions, apiKeyCredentials, createApiClient, type Credentials, TokenSession } from '@app/api-client';
import { NoCredentialsError, UsageError } from './exit-codes';
import { checkQuery, type Format, FORMATS, render, type View } from './output';
import { checkProfileName, type Profile, ProfileStore } from './profiles';

/** The options every verb takes (root options, also accepted after the verb). */
export interface GlobalOptions {
  profile?: string;
  url?: string;
  output?: string;
  query?: string;
}

export const DEFAULT_PROFILE = 'default';

/** `http(s)://host[:port][/prefix]`, without credentials, query or fragment; no trailing slash. */
export function normaliseUrl(raw: string, from: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${from}: "${raw.slice(0, 200)}" is not a URL (e.g. http://127.0.0.1:8000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${from}: must be http:// or https://`);
  if (url.username || url.password || url.search || url.hash) throw new UsageError(`${from}: no credentials, query or fragment in the URL`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

let version: string | undefined;
/** The product version (the root package.json), from the sources or from dist/. */
export function cliVersion(): string {
  if (version) return version;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'aws-mcp-server') return (version = pkg.version ?? '0.0.0');
    }
  }
  return (version = '0.0.0');
}

/**
 * What one invocation works with: the profile, the server, the credentials and the output settings, resolved
 * from flags > environment > the profile. One correlation id for all the requests of the invocation.
 */
export class CliContext {
  readonly correlationId = randomUUID();
  readonly profileName: string;
  readonly format: Format;
  private resolved?: { options: ApiClientOptions; client: ApiClient; auth: 'api-key' | 'token' };

  constructor(
    readonly globals: GlobalOptions,
    readonly store: ProfileStore = new ProfileStore(),
    readonly env: NodeJS.ProcessEnv = process.env,
    readonly stdoutIsTty = process.stdout.isTTY === true,
  ) {
    this.profileName = checkProfileName(globals.profile ?? DEFAULT_PROFILE);
    const format = globals.output ?? (stdoutIsTty ? 'table' : 'json');
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--output: one of ${FORMATS.join(', ')} (got "${format.slice(0, 40)}")`);
    this.format = format as Format;
    checkQuery(globals.query);
  }

  profile(): Profile | undefined {
    return this.store.get(this.profileName);
  }

  /** The server of this invocation: --url / AWS_MCP_URL, else the profile's. */
  serverUrl(): string {
    if (this.globals.url) return normaliseUrl(this.globals.url, '--url / AWS_MCP_URL');
    const profile = this.profile();
    if (profile) return profile.url;
    throw new UsageError(`no server: run \`aws-mcp configure${this.profileName === DEFAULT_PROFILE ? '' : ` --profile ${this.profileName}`} --url <gateway URL>\`, or set AWS_MCP_URL`);
  }

  /** Options for any api-client call (also the event stream). */
  connection(): ApiClientOptions {
    return this.resolve().options;
  }

  client(): ApiClient {
    return this.resolve().client;
  }

  /** Whether the credentials are a login's tokens (then a 401 means: log in again). */
  usesTokens(): boolean {
    try {
      return this.resolve().auth === 'token';
    } catch {
      return false;
    }
  }

  baseOptions(url: string): ApiClientOptions {
    return { baseUrl: url, correlationId: this.correlationId, headers: { 'user-agent': `aws-mcp-cli/${cliVersion()}` } };
  }

  private resolve() {
    if (this.resolved) return this.resolved;
    const url = this.serverUrl();
    const { credentials, auth } = this.credentials(url);
    const options: ApiClientOptions = { ...this.baseOptions(url), credentials };
    return (this.resolved = { options, client: createApiClient(options), auth });
  }

  private credentials(url: string): { credentials: Credentials; auth: 'api-key' | 'token' } {
    const envKey = this.env.AWS_MCP_API_KEY;
    if (envKey) return { credentials: apiKeyCredentials(envKey.trim()), auth: 'api-key' };
    const profile = this.profile();
    const hint = `run \`aws-mcp login${this.profileName === DEFAULT_PROFILE ? '' : ` --profile ${this.profileName}`}\` or \`aws-mcp configure --api-key -\`, or set AWS_MCP_API_KEY`;
    if (!profile) throw new NoCredentialsError(`no credentials: profile "${this.profileName}" is not configured; ${hint}`);
    // A profile's secrets go to the profile's server only, never to a URL given for this one invocation.
    if (profile.url !== url) throw new NoCredentialsError(`no credentials for ${url}: profile "${this.profileName}" holds credentials for ${profile.url}; set AWS_MCP_API_KEY or use a profile for ${url}`);
    if (profile.api_key) return { credentials: apiKeyCredentials(profile.api_key), auth: 'api-key' };
    if (profile.tokens) {
      const session = new TokenSession(profile.tokens, { ...this.baseOptions(url), store: this.store.tokenStore(this.profileName) });
      return { credentials: session, auth: 'token' };
    }
    throw new NoCredentialsError(`no credentials in profile "${this.profileName}"; ${hint}`);
  }

  /** Writes a result to stdout in the chosen format, through --query. */
  print(data: unknown, view?: View): void {
    process.stdout.write(render(data, { format: this.format, query: this.globals.query, view }));
  }

  /** A human note (progress, confirmations): stderr, so that stdout stays the result. */
  note(message: string): void {
    process.stderr.write(`${message}\n`);
  }
}
