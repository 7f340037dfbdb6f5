// Privacy operations, the rules: erasing a participant's personal data on request, purging the
// personal data of participants inactive for longer than the organisation's retention period,
// and exporting everything held about one participant. Administrators only; each is audit-logged
// (the audit entry names the pseudonymous participant id, never personal data).
import type { Actor } from '../accounts/service.ts';
import { audit, listOrganisations } from '../accounts/service.ts';
import type { Database, Tx } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import * as people from '../people/repository.ts';
import {
  eraseParticipants,
  inactiveParticipants,
  participantDossier,
  retentionMonths,
  setRetentionMonths,
  type ErasedCounts,
} from './repository.ts';

/** Who may run a privacy operation: an administrator, or the CLI (an operator of the installation). */
export type PrivacyOperator = { kind: 'administrator'; actor: Actor } | { kind: 'cli' };

function mustBeAdministrator(operator: PrivacyOperator): Actor | undefined {
  if (operator.kind === 'cli') return undefined;
  if (operator.actor.role !== 'administrator') throw Problem.forbidden('Only administrators can erase or export a participant’s personal data');
  return operator.actor;
}

/** A participant id (uuid) or the organisation's own participant code. */
export async function findParticipant(tx: Tx, idOrCode: string): Promise<string> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
  const id = isUuid && (await people.findParticipant(tx, idOrCode)) ? idOrCode : (await people.participantIdsByCode(tx, [idOrCode])).get(idOrCode);
  if (!id) throw Problem.notFound('No such participant');
  return id;
}

export async function eraseParticipant(tx: Tx, operator: PrivacyOperator, idOrCode: string, now = new Date()): Promise<ErasedCounts & { participantId: string }> {
  const actor = mustBeAdministrator(operator);
  const participantId = await findParticipant(tx, idOrCode);
  await people.openPersonalData(tx);
  const counts = await eraseParticipants(tx, [participantId], now);
  await audit(tx, actor, 'participant.erased', participantId, { reason: 'request', ...counts });
  return { ...counts, participantId };
}

export async function exportParticipant(tx: Tx, operator: PrivacyOperator, idOrCode: string): Promise<{ participantId: string; tables: Record<string, unknown[]> }> {
  const actor = mustBeAdministrator(operator);
  const participantId = await findParticipant(tx, idOrCode);
  await people.openPersonalData(tx);
  const tables = await participantDossier(tx, participantId);
  await audit(tx, actor, 'participant.exported', participantId, { tables: Object.keys(tables).filter((name) => tables[name]!.length > 0) });
  return { participantId, tables };
}

export interface PurgeReport extends ErasedCounts {
  retentionMonths: number | undefined;
  cutoff: string | undefined;
  dryRun: boolean;
}

/** Erases the personal data of participants inactive for longer than the retention period. */
export async function purgeInactive(tx: Tx, operator: PrivacyOperator, options: { now?: Date; dryRun?: boolean } = {}): Promise<PurgeReport> {
  const actor = mustBeAdministrator(operator);
  const now = options.now ?? new Date();
  const months = await retentionMonths(tx);
  const dryRun = options.dryRun === true;
  if (months === undefined) return { retentionMonths: undefined, cutoff: undefined, dryRun, participants: 0, pendingMessagesCancelled: 0 };
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const ids = await inactiveParticipants(tx, cutoff);
  const report = { retentionMonths: months, cutoff: cutoff.toISOString(), dryRun };
  if (dryRun) return { ...report, participants: ids.length, pendingMessagesCancelled: 0 };
  await people.openPersonalData(tx);
  const counts = await eraseParticipants(tx, ids, now);
  if (counts.participants > 0) await audit(tx, actor, 'participants.purged', null, { ...report, ...counts });
  return { ...report, ...counts };
}

export async function changeRetention(tx: Tx, operator: PrivacyOperator, months: number | undefined): Promise<void> {
  const actor = mustBeAdministrator(operator);
  if (months !== undefined && (!Number.isInteger(months) || months < 1 || months > 1200)) {
    throw Problem.badRequest('The retention period is a whole number of months from 1 to 1200', 'months');
  }
  await setRetentionMonths(tx, months);
  await audit(tx, actor, 'privacy.retention_changed', null, { months: months ?? null });
}

export { retentionMonths };

/** The retention purge for every organisation that set a period: what the server runs daily and `tracer privacy purge` runs. */
export async function purgeEveryOrganisation(database: Database, now = new Date()): Promise<Array<{ slug: string } & PurgeReport>> {
  const reports: Array<{ slug: string } & PurgeReport> = [];
  for (const org of await listOrganisations(database.system)) {
    const report = await database.withOrg(org.id, (tx) => purgeInactive(tx, { kind: 'cli' }, { now }));
    if (report.retentionMonths !== undefined) reports.push({ slug: org.slug, ...report });
  }
  return reports;
}
