// The sender: claims due messages one at a time and sends them, so that nothing is sent twice.
//
// - A claim is a short transaction: lock the next due message with FOR UPDATE SKIP LOCKED, mark it
//   `sending` with a lease, commit. Another worker (another process on the same PostgreSQL) skips
//   the locked row and, once committed, no longer sees it as due. Claims are per organisation
//   (one Citus router query each); only the list of organisations comes from `database.system`.
// - The SMTP conversation happens outside any transaction; its outcome is recorded in a second
//   short transaction.
// - If the process dies between the two, the message stays `sending` until its lease runs out and
//   then becomes `uncertain`: the server may have accepted it, so it is not resent blindly; a
//   person checks and requeues it (`requeueUncertain`). Since messages are claimed one by one, at
//   most one message per worker can be left in this state. Failures known to happen before any
//   message data was sent (server unreachable, 4xx reply) are retried with exponential backoff.
import { listOrganisations, type Organisation } from '../accounts/service.ts';
import type { Config } from '../config.ts';
import type { Database, Tx } from '../db/database.ts';
import {
  isSuppressed,
  lockNextDue,
  markExpiredLeasesUncertain,
  markSending,
  recordFinal,
  recordRetry,
  recordUncertain,
  type Claim,
  type MessageRow,
} from './repository.ts';
import { composeMail, hashAddress, loadMessagingKeys, type MessagingKeys } from './service.ts';
import { createMailTransport, type DeliveryResult, type MailTransport } from './transport.ts';

export interface MailSenderOptions {
  database: Database;
  transport: MailTransport;
  /** The From header. */
  from: string;
  /** Base of the unsubscribe links. */
  publicUrl: string;
  clock?: () => Date;
  /** Attempts before a message that keeps failing transiently is `failed`. */
  maxAttempts?: number;
  /** Wait after the first transient failure; doubles with each further one. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long a claim lasts; longer than any SMTP attempt can take (see transport timeouts). */
  leaseMs?: number;
  /** Upper bound of messages per organisation in one pass, so that one pass always ends. */
  maxPerOrganisation?: number;
  logger?: WorkerLogger;
}

export interface WorkerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface SendReport {
  sent: number;
  retrying: number;
  bounced: number;
  failed: number;
  suppressed: number;
  uncertain: number;
}

const silentLogger: WorkerLogger = { info() {}, warn() {}, error() {} };

export class MailSender {
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly leaseMs: number;
  private readonly maxPerOrganisation: number;
  private readonly logger: WorkerLogger;
  private keys: Promise<MessagingKeys> | undefined;
  private stopping = false;
  private current: Promise<SendReport> | undefined;

  constructor(private readonly options: MailSenderOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 60_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 6 * 3_600_000;
    this.leaseMs = options.leaseMs ?? 10 * 60_000;
    this.maxPerOrganisation = options.maxPerOrganisation ?? 1_000;
    this.logger = options.logger ?? silentLogger;
    // Fail at start-up, not after a claim (which would leave a message `uncertain`).
    new URL(options.publicUrl);
  }

  /** Sends every message that is due now, organisation by organisation. One pass at a time per sender. */
  sendDue(): Promise<SendReport> {
    if (this.stopping) return Promise.resolve(emptyReport());
    this.current ??= this.pass().finally(() => (this.current = undefined));
    return this.current;
  }

  /** Finishes the message in hand (never abandons an SMTP conversation midway) and claims no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.current?.catch(() => undefined);
  }

  private async pass(): Promise<SendReport> {
    const report = emptyReport();
    this.keys ??= loadMessagingKeys(this.options.database.system);
    const keys = await this.keys;
    for (const org of await listOrganisations(this.options.database.system)) {
      if (this.stopping) break;
      report.uncertain += await this.options.database.withOrg(org.id, (tx) => markExpiredLeasesUncertain(tx, org.id, this.clock()));
      for (let handled = 0; handled < this.maxPerOrganisation && !this.stopping; handled++) {
        const claimed = await this.claimNext(org, keys);
        if (claimed === undefined) break;
        report[await this.deliver(org, keys, claimed)]++;
      }
    }
    return report;
  }

  private claimNext(org: Organisation, keys: MessagingKeys): Promise<{ claim: Claim; message: MessageRow; suppressed: boolean } | undefined> {
    return this.options.database.withOrg(org.id, async (tx) => {
      const now = this.clock();
      const due = await lockNextDue(tx, org.id, now);
      if (!due) return undefined;
      const recipientHash = hashAddress(keys, org.id, due.recipient!);
      const attempt = await markSending(tx, org.id, due.id, recipientHash, new Date(now.getTime() + this.leaseMs), now);
      const claim = { orgId: org.id, id: due.id, attempt };
      const suppressed = await isSuppressed(tx, org.id, recipientHash);
      if (suppressed) await recordFinal(tx, claim, { status: 'suppressed' }, now);
      return { claim, message: due, suppressed };
    });
  }

  private async deliver(
    org: Organisation,
    keys: MessagingKeys,
    { claim, message, suppressed }: { claim: Claim; message: MessageRow; suppressed: boolean },
  ): Promise<keyof SendReport> {
    if (suppressed) {
      this.logger.info({ orgId: org.id, messageId: claim.id }, 'mail suppressed: the address unsubscribed');
      return 'suppressed';
    }
    const mail = composeMail(message, { from: this.options.from, publicUrl: this.options.publicUrl, orgName: org.name, keys });
    const result = await this.options.transport.deliver(mail);
    const status = await this.options.database.withOrg(org.id, (tx) => this.record(tx, claim, result));
    const fields = { orgId: org.id, messageId: claim.id, attempt: claim.attempt, status };
    if (status === 'sent') this.logger.info(fields, 'mail sent');
    else this.logger.warn({ ...fields, reason: 'reason' in result ? result.reason : undefined }, `mail ${status}`);
    return status;
  }

  private async record(tx: Tx, claim: Claim, result: DeliveryResult): Promise<keyof SendReport> {
    const now = this.clock();
    switch (result.outcome) {
      case 'sent':
        await recordFinal(tx, claim, { status: 'sent', providerMessageId: result.providerMessageId }, now);
        return 'sent';
      case 'permanent':
        await recordFinal(tx, claim, { status: 'bounced', error: result.reason }, now);
        return 'bounced';
      case 'uncertain':
        await recordUncertain(tx, claim, result.reason, now);
        return 'uncertain';
      case 'transient':
        if (claim.attempt >= this.maxAttempts) {
          await recordFinal(tx, claim, { status: 'failed', error: `Gave up after ${claim.attempt} attempts: ${result.reason}` }, now);
          return 'failed';
        }
        await recordRetry(tx, claim, result.reason, new Date(now.getTime() + this.backoffMs(claim.attempt)), now);
        return 'retrying';
    }
  }

  /** 1, 2, 4, 8 … times the base after the 1st, 2nd, 3rd, 4th … failed attempt, capped. */
  backoffMs(attempt: number): number {
    return Math.min(this.backoffBaseMs * 2 ** (attempt - 1), this.backoffMaxMs);
  }
}

function emptyReport(): SendReport {
  return { sent: 0, retrying: 0, bounced: 0, failed: 0, suppressed: 0, uncertain: 0 };
}

export function describeReport(report: SendReport): string {
  return Object.entries(report)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
}

export interface RunningWorker {
  /** Waits for the message in hand, then stops the timer and closes the transport. */
  stop(): Promise<void>;
}

/** Runs `sender.sendDue()` now and then every `intervalMs` until stopped (inside `tracer serve`). */
export function startMailWorker(sender: MailSender, transport: MailTransport, intervalMs: number, logger: WorkerLogger = silentLogger): RunningWorker {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      const report = await sender.sendDue();
      if (Object.values(report).some((n) => n > 0)) logger.info({ report }, 'mail pass');
    } catch (error) {
      logger.error({ err: error }, 'mail pass failed');
    }
    if (!stopped) timer = setTimeout(tick, intervalMs).unref();
  };
  timer = setTimeout(tick, 0).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await sender.stop();
      transport.close();
    },
  };
}

/** The sender as configured by the environment (SMTP or the offline log file). */
export function configuredMailSender(database: Database, config: Config, logger?: WorkerLogger): { sender: MailSender; transport: MailTransport } {
  const transport = createMailTransport(config.mail.transport);
  const sender = new MailSender({ database, transport, from: config.mail.from, publicUrl: config.publicUrl, ...(logger ? { logger } : {}) });
  return { sender, transport };
}

export const MAIL_INTERVAL_MS = 30_000;

/** The mail worker of `tracer serve`: one pass right away, then every 30 seconds. */
export function startConfiguredMailWorker(database: Database, config: Config, logger: WorkerLogger): RunningWorker {
  const { sender, transport } = configuredMailSender(database, config, logger);
  return startMailWorker(sender, transport, MAIL_INTERVAL_MS, logger);
}
