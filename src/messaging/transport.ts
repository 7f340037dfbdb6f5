// How a message leaves: over SMTP (nodemailer), or, without SMTP settings, into a JSON-lines
// file so that the demo works offline. Each delivery attempt ends in one of four outcomes; the
// worker turns them into statuses.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createTransport } from 'nodemailer';
import type { MailTransportConfig } from '../config.ts';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | undefined;
  /** Includes Message-ID, List-Unsubscribe and List-Unsubscribe-Post. */
  headers: Record<string, string>;
  /** Written to the offline log instead of the address. */
  logFields: { messageId: string; orgId: string; participantId: string | null; language: string };
}

export type DeliveryResult =
  /** The server accepted the message. */
  | { outcome: 'sent'; providerMessageId: string }
  /** Not delivered, and trying again later may work (4xx reply, server unreachable, login refused). */
  | { outcome: 'transient'; reason: string }
  /** Refused for good (5xx reply to this message). */
  | { outcome: 'permanent'; reason: string }
  /** The connection broke at a point where the server may already have accepted the message. */
  | { outcome: 'uncertain'; reason: string };

export interface MailTransport {
  /** Never throws: every failure is a `DeliveryResult`. */
  deliver(mail: OutgoingMail): Promise<DeliveryResult>;
  close(): void;
}

export function createMailTransport(config: MailTransportConfig): MailTransport {
  return config.kind === 'smtp' ? new SmtpTransport(config) : new LogFileTransport(config.file);
}

/** Where mail goes, for start-up messages: never the SMTP password. */
export function describeMailTransport(config: MailTransportConfig): string {
  return config.kind === 'smtp'
    ? `SMTP ${config.host}:${config.port}${config.secure ? ' (TLS)' : ''}`
    : `written to ${config.file} (no SMTP settings)`;
}

export class SmtpTransport implements MailTransport {
  private readonly transporter: ReturnType<typeof newSmtpTransporter>;

  constructor(config: Extract<MailTransportConfig, { kind: 'smtp' }>) {
    this.transporter = newSmtpTransporter(config);
  }

  async deliver(mail: OutgoingMail): Promise<DeliveryResult> {
    try {
      const info = await this.transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === undefined ? {} : { html: mail.html }),
        headers: mail.headers,
        messageId: mail.headers['Message-ID'],
      });
      return { outcome: 'sent', providerMessageId: String(info.messageId ?? mail.headers['Message-ID']) };
    } catch (error) {
      return classifySmtpError(error as SmtpError);
    }
  }

  close(): void {
    this.transporter.close();
  }
}

function newSmtpTransporter(config: Extract<MailTransportConfig, { kind: 'smtp' }>) {
  return createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.auth ? { auth: config.auth } : {}),
    // Well inside the worker's lease, so that an attempt always ends before the lease does.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

export interface SmtpError {
  message: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  timeoutType?: string;
}

/** Failures at these points happen before any message data is sent: retrying cannot duplicate. */
const BEFORE_ANY_DATA_CODES = new Set(['EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'EPROXY', 'EREQUIRETLS']);
const CONNECT_FAILURE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SETUP_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

export function classifySmtpError(error: SmtpError): DeliveryResult {
  const reason = redactAddresses(error.message).slice(0, 1000);
  if (error.responseCode !== undefined && error.code !== 'EAUTH') {
    if (error.responseCode >= 500) return { outcome: 'permanent', reason };
    if (error.responseCode >= 400) return { outcome: 'transient', reason };
  }
  const knownBeforeData =
    BEFORE_ANY_DATA_CODES.has(error.code ?? '') ||
    CONNECT_FAILURE_CODES.has(error.originalCode ?? '') ||
    SETUP_TIMEOUTS.has(error.timeoutType ?? '');
  return knownBeforeData ? { outcome: 'transient', reason } : { outcome: 'uncertain', reason };
}

/** SMTP replies often quote the address ("550 <x@y>: no such user"); stored errors must not. */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'@:;,()]+@[^\s<>"'@:;,()]+/g, '[address]');
}

/** Without SMTP settings: appends each message (without the address) as one JSON line. */
export class LogFileTransport implements MailTransport {
  constructor(readonly file: string) {}

  async deliver(mail: OutgoingMail): Promise<DeliveryResult> {
    const providerMessageId = mail.headers['Message-ID'] ?? `<${mail.logFields.messageId}@tracer.invalid>`;
    const line = {
      at: new Date().toISOString(),
      ...mail.logFields,
      from: mail.from,
      subject: mail.subject,
      headers: mail.headers,
      text: mail.text,
      html: mail.html ?? null,
    };
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await appendFile(this.file, JSON.stringify(line) + '\n', { mode: 0o600 });
      return { outcome: 'sent', providerMessageId };
    } catch (error) {
      return { outcome: 'transient', reason: `Cannot write the mail log ${this.file}: ${(error as Error).message}` };
    }
  }

  close(): void {}
}
