// The wave scheduler: applies the default plan where the organisation asked for it, invites the
// eligible people of open waves and reminds non-respondents, by putting e-mail in the outbox (the
// mail worker sends it). It never sends twice, across restarts and with several schedulers at once:
// - an invitation row is unique per wave, activity and person and is inserted (ON CONFLICT DO
//   NOTHING) in the transaction that queues its e-mail, so both exist or neither does, and a
//   second scheduler blocks on the first one's row, then finds it and does nothing;
// - a reminder is claimed by moving the invitation's `reminders_sent` forward with a conditional
//   UPDATE (the row lock serialises concurrent claims) in the transaction that queues it;
// - every e-mail also has a dedupe key in the outbox.
// State lives only in the database, so a restarted scheduler carries on where it stopped.
import { listOrganisations, type Organisation } from '../accounts/service.ts';
import type { Config } from '../config.ts';
import type { Database, Tx } from '../db/database.ts';
import { enqueueMessage, isUnsubscribed, loadMessagingKeys, type MessagingKeys } from '../messaging/service.ts';
import type { WorkerLogger } from '../messaging/worker.ts';
import { invitationContacts } from '../people/directory.ts';
import { composeWaveMail, mailLanguage, personalLink } from './mail.ts';
import { hashToken, newToken } from './model.ts';
import * as repo from './repository.ts';
import { autoApplyPlan } from './service.ts';

export interface WaveSchedulerOptions {
  database: Database;
  /** Base of the personal links. */
  publicUrl: string;
  clock?: () => Date;
  /** Invitations or reminders per transaction. */
  batchSize?: number;
  logger?: WorkerLogger;
}

export interface WaveRunReport {
  wavesPlanned: number;
  invitations: number;
  reminders: number;
  /** Eligible people who could not be invited: no e-mail address, or unsubscribed. */
  notContactable: number;
}

const silent: WorkerLogger = { info() {}, warn() {}, error() {} };

export class WaveScheduler {
  private readonly clock: () => Date;
  private readonly batchSize: number;
  private readonly logger: WorkerLogger;
  private keys: Promise<MessagingKeys> | undefined;
  private current: Promise<WaveRunReport> | undefined;
  private stopping = false;

  constructor(private readonly options: WaveSchedulerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.batchSize = options.batchSize ?? 200;
    this.logger = options.logger ?? silent;
    new URL(options.publicUrl);
  }

  /** One pass over every organisation; one pass at a time per scheduler. */
  runDue(): Promise<WaveRunReport> {
    if (this.stopping) return Promise.resolve(emptyReport());
    this.current ??= this.pass().finally(() => (this.current = undefined));
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.current?.catch(() => undefined);
  }

  private async pass(): Promise<WaveRunReport> {
    const report = emptyReport();
    this.keys ??= loadMessagingKeys(this.options.database.system);
    const keys = await this.keys;
    for (const org of await listOrganisations(this.options.database.system)) {
      if (this.stopping) break;
      const { database } = this.options;
      report.wavesPlanned += await database.withOrg(org.id, (tx) => autoApplyPlan(tx, this.clock()));
      const waveIds = await database.withOrg(org.id, (tx) => repo.dueWaveIds(tx, this.clock()));
      for (const waveId of waveIds) {
        if (this.stopping) break;
        await this.invite(org, keys, waveId, report);
        await this.remind(org, keys, waveId, report);
      }
    }
    if (report.invitations + report.reminders + report.wavesPlanned > 0) this.logger.info({ report }, 'waves pass');
    return report;
  }

  private async invite(org: Organisation, keys: MessagingKeys, waveId: string, report: WaveRunReport): Promise<void> {
    let after: { activityId: string; participantId: string } | undefined;
    for (;;) {
      const seen = await this.options.database.withOrg(org.id, async (tx) => {
        const now = this.clock();
        const wave = await repo.findWave(tx, waveId);
        if (!wave || wave.cancelledAt || wave.closesAt <= now) return [];
        const candidates = await repo.uninvited(tx, waveId, after, this.batchSize);
        const contacts = await invitationContacts(tx, candidates.map((c) => c.participantId));
        for (const candidate of candidates) {
          const contact = contacts.get(candidate.participantId);
          if (!contact || (await isUnsubscribed(tx, keys, org.id, contact.email))) {
            report.notContactable++;
            continue;
          }
          const lang = mailLanguage(candidate.preferredLanguage);
          const invitation = await repo.insertInvitation(tx, { waveId, activityId: candidate.activityId, participantId: candidate.participantId, language: lang }, now);
          if (!invitation) continue; // another scheduler invited this person meanwhile
          const message = await this.queue(tx, org, wave, invitation.id, 'invitation', `wave:${waveId}:invitation:${invitation.id}`, { ...candidate, lang, ...contact }, now);
          await repo.setInvitationMessage(tx, invitation.id, message);
          report.invitations++;
        }
        return candidates;
      });
      if (seen.length < this.batchSize) return;
      const last = seen[seen.length - 1]!;
      after = { activityId: last.activityId, participantId: last.participantId };
    }
  }

  private async remind(org: Organisation, keys: MessagingKeys, waveId: string, report: WaveRunReport): Promise<void> {
    for (;;) {
      const handled = await this.options.database.withOrg(org.id, async (tx) => {
        const now = this.clock();
        const wave = await repo.findWave(tx, waveId);
        if (!wave || wave.cancelledAt || wave.closesAt <= now) return 0;
        const owed = await repo.remindersDue(tx, waveId, now, this.batchSize);
        const contacts = await invitationContacts(tx, owed.map((o) => o.participantId));
        for (const reminder of owed) {
          // Several reminder days passed (the scheduler was stopped): one reminder, for the latest.
          if (!(await repo.claimReminder(tx, reminder.invitationId, reminder.remindersSent, reminder.due, now))) continue;
          const contact = contacts.get(reminder.participantId);
          if (!contact || (await isUnsubscribed(tx, keys, org.id, contact.email))) continue;
          const lang = mailLanguage(reminder.language);
          await this.queue(tx, org, wave, reminder.invitationId, 'reminder', `wave:${waveId}:invitation:${reminder.invitationId}:reminder:${reminder.due}`, { ...reminder, lang, ...contact }, now);
          report.reminders++;
        }
        return owed.length;
      });
      if (handled < this.batchSize) return;
    }
  }

  /** A new personal link for this e-mail (stored hashed; the raw token lives only in the e-mail) and the e-mail in the outbox. */
  private async queue(
    tx: Tx,
    org: Organisation,
    wave: repo.WaveRow,
    invitationId: string,
    kind: 'invitation' | 'reminder',
    dedupeKey: string,
    person: { participantId: string; activityTitle: string; lang: ReturnType<typeof mailLanguage>; email: string; givenName: string | null },
    now: Date,
  ): Promise<string> {
    const token = newToken();
    await repo.insertToken(tx, invitationId, hashToken(token), now);
    const mail = composeWaveMail({
      kind,
      lang: person.lang,
      orgName: org.name,
      activityTitle: person.activityTitle,
      givenName: person.givenName,
      link: personalLink(this.options.publicUrl, token, person.lang),
      closesAt: wave.closesAt,
    });
    const queued = await enqueueMessage(
      tx,
      { kind: `wave_${kind}`, to: person.email, participantId: person.participantId, language: person.lang, subject: mail.subject, text: mail.text, html: mail.html, dedupeKey },
      now,
    );
    return queued.id;
  }
}

function emptyReport(): WaveRunReport {
  return { wavesPlanned: 0, invitations: 0, reminders: 0, notContactable: 0 };
}

export function describeWaveReport(report: WaveRunReport): string {
  return `waves planned ${report.wavesPlanned}, invitations ${report.invitations}, reminders ${report.reminders}, not contactable ${report.notContactable}`;
}

export const WAVE_INTERVAL_MS = 5 * 60_000;

export interface RunningScheduler {
  stop(): Promise<void>;
}

/** Runs the scheduler now and then every `intervalMs` (inside `tracer serve`). */
export function startWaveScheduler(database: Database, config: Config, logger: WorkerLogger, intervalMs = WAVE_INTERVAL_MS): RunningScheduler {
  const scheduler = new WaveScheduler({ database, publicUrl: config.publicUrl, logger });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await scheduler.runDue();
    } catch (error) {
      logger.error({ err: error }, 'waves pass failed');
    }
    if (!stopped) timer = setTimeout(tick, intervalMs).unref();
  };
  timer = setTimeout(tick, 0).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await scheduler.stop();
    },
  };
}
