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
  mail: MailConfig;
  /** Bearer token that /metrics requires; undefined turns /metrics off. */
  metricsToken: string | undefined;
}

/** Where e-mail goes: an SMTP server, or (without SMTP settings) a JSON-lines file for offline demos. */
export type MailTransportConfig =
  | { kind: 'smtp'; host: string; port: number; secure: boolean; auth: { user: string; pass: string } | undefined }
  | { kind: 'log'; file: string };

export interface MailConfig {
  transport: MailTransportConfig;
  /** The From header, e.g. `Training Centre <surveys@example.org>`. */
  from: string;
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
    publicUrl: parsePublicUrl(nonEmpty(env.TRACER_PUBLIC_URL) ?? `http://localhost:${port}`),
    logLevel: env.LOG_LEVEL ?? 'info',
    mail: parseMail(env),
    metricsToken: parseMetricsToken(env.TRACER_METRICS_TOKEN),
  };
}

/** A guessable token would expose every organisation's activity counts, so short ones are refused. */
function parseMetricsToken(text: string | undefined): string | undefined {
  const token = nonEmpty(text);
  if (token !== undefined && token.length < 24) {
    throw new ConfigError('TRACER_METRICS_TOKEN must be at least 24 characters (e.g. the output of `openssl rand -hex 24`)');
  }
  return token;
}

/** Links in e-mails are built on it, so a wrong value must stop Tracer rather than break every link. */
function parsePublicUrl(text: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigError(`TRACER_PUBLIC_URL must be an http:// or https:// address such as https://tracer.example.org (got "${text}")`);
  }
  return text.replace(/\/$/, '');
}

const MAIL_FROM_EXAMPLE = 'e.g. MAIL_FROM="Training Centre <surveys@example.org>"';

function parseMail(env: Env): MailConfig {
  const transport = parseMailTransport(env);
  const from = nonEmpty(env.MAIL_FROM);
  if (from === undefined) {
    if (transport.kind === 'smtp') throw new ConfigError(`MAIL_FROM is required when SMTP is configured (${MAIL_FROM_EXAMPLE})`);
    return { transport, from: 'Tracer <no-reply@tracer.invalid>' };
  }
  if (!/^[^\s@<>]+@[^\s@<>]+$|<[^\s@<>]+@[^\s@<>]+>$/.test(from) || /[\r\n]/.test(from)) {
    throw new ConfigError(`MAIL_FROM must be an address or "Name <address>" (got "${from}"; ${MAIL_FROM_EXAMPLE})`);
  }
  return { transport, from };
}

function parseMailTransport(env: Env): MailTransportConfig {
  const url = nonEmpty(env.SMTP_URL);
  const host = nonEmpty(env.SMTP_HOST);
  if (url !== undefined && host !== undefined) throw new ConfigError('Set either SMTP_URL or SMTP_HOST, not both');
  if (url !== undefined) return parseSmtpUrl(url);
  if (host === undefined) {
    for (const name of ['SMTP_PORT', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_SECURE'] as const) {
      if (nonEmpty(env[name]) !== undefined) throw new ConfigError(`${name} is set but SMTP_HOST is not: set SMTP_HOST (or SMTP_URL)`);
    }
    // Beside the embedded database's folder (never inside it: that folder belongs to PostgreSQL).
    const dataDir = resolve(nonEmpty(env.TRACER_DATA_DIR) ?? '.tracer-data');
    return { kind: 'log', file: resolve(nonEmpty(env.MAIL_LOG_FILE) ?? `${dataDir}.mail.jsonl`) };
  }
  const secure = parseBoolean('SMTP_SECURE', env.SMTP_SECURE ?? (env.SMTP_PORT?.trim() === '465' ? 'true' : 'false'));
  const port = parseSmtpPort('SMTP_PORT', env.SMTP_PORT ?? (secure ? '465' : '587'));
  const user = nonEmpty(env.SMTP_USER);
  const pass = env.SMTP_PASSWORD;
  if (user === undefined && nonEmpty(pass) !== undefined) throw new ConfigError('SMTP_PASSWORD is set but SMTP_USER is not');
  if (user !== undefined && (pass === undefined || pass === '')) throw new ConfigError('SMTP_USER is set but SMTP_PASSWORD is not');
  return { kind: 'smtp', host, port, secure, auth: user === undefined ? undefined : { user, pass: pass! } };
}

function parseSmtpUrl(url: string): MailTransportConfig {
  const example = 'expected smtp://user:password@host:587 or smtps://user:password@host:465';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SMTP_URL is not a valid URL; ${example}`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new ConfigError(`SMTP_URL must start with smtp:// or smtps:// (got ${parsed.protocol}//); ${example}`);
  }
  if (parsed.hostname === '') throw new ConfigError(`SMTP_URL names no host; ${example}`);
  const secure = parsed.protocol === 'smtps:';
  const port = parseSmtpPort('SMTP_URL port', parsed.port || (secure ? '465' : '587'));
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  if (user !== '' && pass === '') throw new ConfigError(`SMTP_URL names a user but no password; ${example}`);
  return { kind: 'smtp', host: parsed.hostname, port, secure, auth: user === '' ? undefined : { user, pass } };
}

function parseSmtpPort(name: string, text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`${name} must be a whole number from 1 to 65535 (got "${text}")`);
  }
  return port;
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
