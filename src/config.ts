import { resolve } from 'node:path';

/** A problem with how Tracer was configured: printed as one line, never as a stack trace. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type DatabaseConfig =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string };

export interface Config {
  database: DatabaseConfig;
  port: number;
  host: string;
  /** Organisation slug the CLI acts on; undefined means "the only one". */
  orgSlug: string | undefined;
  /** Set the Secure flag on cookies (behind HTTPS). */
  secureCookies: boolean;
  /** Public base URL used in links that leave the server (e-mails, printed URLs). */
  publicUrl: string;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const port = parsePort(env.PORT ?? '3000');
  const host = env.HOST ?? '127.0.0.1';
  return {
    database: parseDatabase(env),
    port,
    host,
    orgSlug: nonEmpty(env.TRACER_ORG),
    secureCookies: parseBoolean('TRACER_SECURE_COOKIES', env.TRACER_SECURE_COOKIES ?? 'false'),
    publicUrl: (nonEmpty(env.TRACER_PUBLIC_URL) ?? `http://localhost:${port}`).replace(/\/$/, ''),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

function parseDatabase(env: Env): DatabaseConfig {
  const url = nonEmpty(env.DATABASE_URL);
  if (url === undefined) {
    return { kind: 'pglite', dataDir: resolve(nonEmpty(env.TRACER_DATA_DIR) ?? '.tracer-data') };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DATABASE_URL is not a valid URL; expected postgres://user:password@host:5432/database');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`);
  }
  return { kind: 'postgres', url };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535 (got "${text}")`);
  }
  return port;
}

function parseBoolean(name: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false (got "${text}")`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
