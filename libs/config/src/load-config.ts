import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppConfig, ConfigSchema } from './config.schema';

/** A bad setting: the message names the key, where it came from and what is wrong, on one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything (used by tests and the standalone launcher). */
  overrides?: Record<string, Record<string, unknown>>;
}

/** Well-known variables of the ecosystem, honoured below the MCP_* ones. */
const STANDARD_ENV: Record<string, [string, string]> = {
  DATABASE_URL: ['database', 'url'],
  NATS_URL: ['nats', 'url'],
  AWS_PROFILE: ['aws', 'profile'],
  AWS_REGION: ['aws', 'default_region'],
  AWS_ENDPOINT_URL: ['aws', 'endpoint_url'],
  BOOTSTRAP_ADMIN_PASSWORD: ['auth', 'bootstrap_admin_password'],
};

function configPathFrom(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  const i = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (i >= 0) {
    const v = argv[i].includes('=') ? argv[i].slice('--config='.length) : argv[i + 1];
    if (!v) throw new ConfigError('--config: expected a file path');
    return v;
  }
  return env.MCP_CONFIG_PATH || undefined;
}

function sectionKeys(): Record<string, string[]> {
  const shape = ConfigSchema.shape as Record<string, z.ZodTypeAny>;
  const out: Record<string, string[]> = {};
  for (const [section, schema] of Object.entries(shape)) {
    let inner: z.ZodTypeAny = schema;
    // unwrap ZodDefault/ZodOptional to reach the object
    while (inner && !(inner instanceof z.ZodObject) && 'unwrap' in inner) inner = (inner as unknown as { unwrap(): z.ZodTypeAny }).unwrap();
    if (inner instanceof z.ZodObject) out[section] = Object.keys(inner.shape);
  }
  return out;
}

/**
 * Reads the YAML file (if any), applies the standard variables, then MCP_<SECTION>_<KEY>, then overrides,
 * and validates the result. Throws ConfigError naming the first bad key.
 */
export function loadConfig(opts: LoadConfigOptions = {}): AppConfig & { source: { file?: string } } {
  const argv = opts.argv ?? process.argv.slice(2);
  const env = opts.env ?? process.env;
  const origin = new Map<string, string>();
  let raw: Record<string, Record<string, unknown>> = {};

  const file = configPathFrom(argv, env);
  if (file) {
    const path = resolve(file);
    if (!existsSync(path)) throw new ConfigError(`config file ${path} (from ${argv.some((a) => a.startsWith('--config')) ? '--config' : 'MCP_CONFIG_PATH'}): file not found`);
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`config file ${path}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (parsed != null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new ConfigError(`config file ${path}: must be a mapping of sections`);
    raw = (parsed ?? {}) as typeof raw;
    for (const [s, v] of Object.entries(raw)) {
      if (v != null && (typeof v !== 'object' || Array.isArray(v))) throw new ConfigError(`${s} (in ${path}): must be a mapping`);
      for (const k of Object.keys(v ?? {})) origin.set(`${s}.${k}`, path);
    }
  }

  const set = (section: string, key: string, value: unknown, from: string) => {
    raw[section] = { ...(raw[section] ?? {}), [key]: value };
    origin.set(`${section}.${key}`, from);
  };
  for (const [name, [section, key]] of Object.entries(STANDARD_ENV)) {
    if (env[name]) set(section, key, env[name], name);
  }
  for (const [section, keys] of Object.entries(sectionKeys())) {
    for (const key of keys) {
      const name = `MCP_${section.toUpperCase()}_${key.toUpperCase()}`;
      if (env[name] !== undefined && env[name] !== '') set(section, key, env[name], name);
    }
  }
  for (const [section, values] of Object.entries(opts.overrides ?? {})) {
    for (const [key, value] of Object.entries(values)) set(section, key, value, 'override');
  }

  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue.path.join('.');
    const from = origin.get(issue.path.slice(0, 2).join('.'));
    const got = issue.path.length ? issue.path.reduce<unknown>((o, p) => (o as Record<string | number, unknown> | undefined)?.[p as string], raw) : undefined;
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => (key ? `${key}.${k}` : k)).join(', ')}`
        : `${key}${from ? ` (from ${from})` : ''}: ${issue.message}${got !== undefined && typeof got !== 'object' ? ` (got ${JSON.stringify(String(got))})` : ''}`;
    throw new ConfigError(`Invalid configuration: ${message}`);
  }
  return { ...result.data, source: { file } };
}
