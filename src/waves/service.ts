// Wave rules: creating waves by hand or from the organisation's default plan (dates relative to
// the activities), cancelling, revoking invitations, and response rates for the UI and analytics.
import { audit, type Actor } from '../accounts/service.ts';
import type { Tx } from '../db/database.ts';
import { Problem, type FieldIssue } from '../http/problem.ts';
import { isUuid } from '../http/schemas.ts';
import { findInstrument, latestVersion } from '../instruments/repository.ts';
import { enrolmentStatuses, type EnrolmentStatus } from '../people/vocabulary.ts';
import { defaultPlan, scheduleFor, wavePopulations, type WavePlanItem, type WavePopulation } from './model.ts';
import * as repo from './repository.ts';

export type { WaveRow, WaveListRow, InvitationListRow, RateRow, RateGrouping, RateFilter } from './repository.ts';

export interface WaveInput {
  name: string;
  instrumentId: string;
  activityIds: string[];
  population?: WavePopulation;
  eligibleStatuses?: EnrolmentStatus[];
  /** Relative to the activities (`start` = first start, `end` = last end), or `fixed` dates. */
  anchor: 'start' | 'end' | 'fixed';
  offsetMonths?: number;
  offsetDays?: number;
  openDays?: number;
  /** For `fixed`: ISO dates or date-times. */
  opensAt?: string;
  closesAt?: string;
  reminderDays?: number[];
}

const MAX_ACTIVITIES = 200;

/** Creates a wave by hand. Every problem of the input is reported at once; nothing is written then. */
export async function createWave(tx: Tx, actor: Actor, input: WaveInput): Promise<repo.WaveRow> {
  const issues: FieldIssue[] = [];
  const name = input.name.trim();
  if (name === '' || name.length > 200) issues.push({ field: 'body/name', message: 'Give the wave a name of 1 to 200 characters' });
  const activityIds = [...new Set(input.activityIds)];
  if (activityIds.length === 0) issues.push({ field: 'body/activityIds', message: 'Choose at least one activity' });
  if (activityIds.length > MAX_ACTIVITIES) issues.push({ field: 'body/activityIds', message: `At most ${MAX_ACTIVITIES} activities in one wave` });
  const activities = await repo.activitiesByIds(tx, activityIds.filter(isUuid).slice(0, MAX_ACTIVITIES));
  const missing = activityIds.filter((id) => !activities.some((a) => a.id === id));
  if (missing.length > 0) issues.push({ field: 'body/activityIds', message: `No activity ${missing.join(', ')}` });
  const instrument = isUuid(input.instrumentId) ? await findInstrument(tx, input.instrumentId) : undefined;
  const version = instrument && (await latestVersion(tx, instrument.id));
  if (!instrument) issues.push({ field: 'body/instrumentId', message: 'No such instrument' });
  else if (!version) issues.push({ field: 'body/instrumentId', message: 'Publish the instrument before sending it in a wave' });
  const population = input.population ?? 'participants';
  if (!wavePopulations.includes(population)) issues.push({ field: 'body/population', message: `Population must be one of ${wavePopulations.join(', ')}` });
  const eligibleStatuses = input.eligibleStatuses ?? ['completed', 'certified'];
  if (eligibleStatuses.length === 0 || eligibleStatuses.some((s) => !enrolmentStatuses.includes(s))) {
    issues.push({ field: 'body/eligibleStatuses', message: `Choose enrolment statuses among ${enrolmentStatuses.join(', ')}` });
  }
  const reminderDays = checkReminderDays(input.reminderDays ?? [7, 14], 'body/reminderDays', issues);
  let schedule: { opensAt: Date; closesAt: Date } | undefined;
  if (input.anchor === 'fixed') {
    const opensAt = parseInstant(input.opensAt);
    const closesAt = parseInstant(input.closesAt);
    if (!opensAt) issues.push({ field: 'body/opensAt', message: 'Give the opening date (YYYY-MM-DD)' });
    if (!closesAt) issues.push({ field: 'body/closesAt', message: 'Give the closing date (YYYY-MM-DD)' });
    if (opensAt && closesAt && closesAt <= opensAt) issues.push({ field: 'body/closesAt', message: 'The wave must close after it opens' });
    if (opensAt && closesAt) schedule = { opensAt, closesAt };
  } else if (input.anchor === 'start' || input.anchor === 'end') {
    const openDays = input.openDays ?? 21;
    if (!Number.isInteger(openDays) || openDays < 1 || openDays > 366) issues.push({ field: 'body/openDays', message: 'The wave stays open 1 to 366 days' });
    const rule = { anchor: input.anchor, offsetMonths: input.offsetMonths ?? 0, offsetDays: input.offsetDays ?? 0, openDays };
    if (Math.abs(rule.offsetMonths) > 60 || Math.abs(rule.offsetDays) > 1000) issues.push({ field: 'body/offsetMonths', message: 'Offsets are at most 60 months and 1000 days' });
    schedule = activities.length > 0 ? scheduleFor(rule, activities) : undefined;
    if (activities.length > 0 && !schedule) issues.push({ field: 'body/anchor', message: `Every activity needs a ${input.anchor} date for a wave relative to it` });
  } else {
    issues.push({ field: 'body/anchor', message: 'Anchor must be start, end or fixed' });
  }
  if (issues.length > 0) throw new Problem(400, issues.map((i) => i.message).join('; '), issues);
  const wave = await repo.insertWave(
    tx,
    {
      name,
      instrumentId: instrument!.id,
      instrumentVersionId: version!.id,
      population,
      eligibleStatuses,
      anchor: input.anchor,
      offsetMonths: input.anchor === 'fixed' ? 0 : (input.offsetMonths ?? 0),
      offsetDays: input.anchor === 'fixed' ? 0 : (input.offsetDays ?? 0),
      opensAt: schedule!.opensAt,
      closesAt: schedule!.closesAt,
      reminderDays,
      planKey: null,
    },
    activityIds,
  );
  await audit(tx, actor, 'wave.created', `wave:${wave!.id}`, { name, activities: activityIds.length });
  return wave!;
}

function parseInstant(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function checkReminderDays(days: number[], field: string, issues: FieldIssue[]): number[] {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length > 5 || sorted.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) {
    issues.push({ field, message: 'Up to 5 reminders, each 1 to 365 days after the invitation' });
  }
  return sorted;
}

export async function getWave(tx: Tx, id: string): Promise<repo.WaveListRow> {
  const [wave] = await repo.listWaves(tx, { id });
  if (!wave) throw Problem.notFound('No such wave');
  return wave;
}

export const listWaves = (tx: Tx, filter: { activityId?: string } = {}) => repo.listWaves(tx, filter);
export const listInvitations = (tx: Tx, waveId: string) => repo.listInvitations(tx, waveId);

export async function cancelWave(tx: Tx, actor: Actor, id: string, now = new Date()): Promise<void> {
  if (!(await repo.findWave(tx, id))) throw Problem.notFound('No such wave');
  if (await repo.cancelWave(tx, id, now)) await audit(tx, actor, 'wave.cancelled', `wave:${id}`, {});
}

/** Revoking an invitation makes all its personal links stop working at once. */
export async function revokeInvitation(tx: Tx, actor: Actor, invitationId: string, now = new Date()): Promise<void> {
  const invitation = await repo.findInvitation(tx, invitationId);
  if (!invitation) throw Problem.notFound('No such invitation');
  if (await repo.revokeInvitation(tx, invitationId, now)) await audit(tx, actor, 'wave.invitation_revoked', `wave_invitation:${invitationId}`, { waveId: invitation.waveId });
}

// ---------------------------------------------------------------- response rates

/**
 * Response rates (AAPOR RR1, RR2) with invited / delivered / bounced / opened / partial / complete
 * counts, per wave or rolled up by instrument purpose, instrument, activity or in total. For the
 * staff pages and for the analytics layer.
 */
export function responseRates(tx: Tx, groupBy: repo.RateGrouping, filter: repo.RateFilter = {}): Promise<repo.RateRow[]> {
  return repo.responseRateRows(tx, filter, groupBy);
}

export interface OpenWave {
  wave: repo.WaveListRow;
  rates: repo.RateRow | undefined;
}

/** Waves open for answers at `now` (not cancelled), closing soonest first, with their response rates so far. */
export async function openWaves(tx: Tx, now = new Date()): Promise<OpenWave[]> {
  const open = await repo.listWaves(tx, { openAt: now });
  open.sort((a, b) => a.closesAt.getTime() - b.closesAt.getTime());
  if (open.length === 0) return [];
  const rates = new Map((await repo.responseRateRows(tx, { waveIds: open.map((w) => w.id) }, 'wave')).map((r) => [r.groupKey, r]));
  return open.map((wave) => ({ wave, rates: rates.get(wave.id) }));
}

// ---------------------------------------------------------------- the default plan

export interface PlanSettings {
  autoApply: boolean;
  plan: WavePlanItem[];
}

export async function planSettings(tx: Tx): Promise<PlanSettings> {
  return (await repo.findSettings(tx)) ?? { autoApply: false, plan: defaultPlan };
}

export async function savePlanSettings(tx: Tx, actor: Actor, settings: PlanSettings): Promise<void> {
  const issues: FieldIssue[] = [];
  const keys = new Set<string>();
  settings.plan.forEach((item, index) => {
    const at = `body/plan/${index}`;
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(item.key) || keys.has(item.key)) issues.push({ field: `${at}/key`, message: 'Each item needs its own key (lower-case letters, digits, _)' });
    keys.add(item.key);
    if (item.name.trim() === '') issues.push({ field: `${at}/name`, message: 'Give the item a name' });
    if (!Number.isInteger(item.openDays) || item.openDays < 1 || item.openDays > 366) issues.push({ field: `${at}/openDays`, message: 'Open 1 to 366 days' });
    if (item.eligibleStatuses.length === 0) issues.push({ field: `${at}/eligibleStatuses`, message: 'Choose at least one enrolment status' });
    checkReminderDays(item.reminderDays, `${at}/reminderDays`, issues);
  });
  if (issues.length > 0) throw new Problem(400, issues.map((i) => i.message).join('; '), issues);
  await repo.saveSettings(tx, settings);
  await audit(tx, actor, 'wave.plan_saved', null, { autoApply: settings.autoApply, items: settings.plan.length });
}

export interface PlanOutcome {
  created: Array<{ id: string; name: string }>;
  skipped: Array<{ item: string; reason: string }>;
}

/**
 * Applies the default plan to activities: one wave per plan item and activity, once (the plan key
 * makes a second application create nothing), skipping waves that would already be closed.
 */
export async function applyPlan(tx: Tx, activities: repo.ActivityFacts[], now: Date, plan?: WavePlanItem[]): Promise<PlanOutcome> {
  const items = plan ?? (await planSettings(tx)).plan;
  const versions = await repo.latestVersionsByKey(tx, [...new Set(items.map((item) => item.instrumentKey))]);
  const outcome: PlanOutcome = { created: [], skipped: [] };
  for (const item of items) {
    const version = versions.get(item.instrumentKey);
    if (!version) {
      outcome.skipped.push({ item: item.key, reason: `no published instrument "${item.instrumentKey}"` });
      continue;
    }
    for (const activity of activities) {
      const schedule = scheduleFor(item, [activity]);
      if (!schedule || schedule.closesAt <= now) continue;
      const wave = await repo.insertWave(
        tx,
        {
          name: `${item.name} · ${activity.code}`,
          instrumentId: version.instrumentId,
          instrumentVersionId: version.versionId,
          population: item.population,
          eligibleStatuses: item.eligibleStatuses,
          anchor: item.anchor,
          offsetMonths: item.offsetMonths,
          offsetDays: item.offsetDays,
          opensAt: schedule.opensAt,
          closesAt: schedule.closesAt,
          reminderDays: item.reminderDays,
          planKey: `${item.key}:${activity.id}`,
        },
        [activity.id],
      );
      if (wave) outcome.created.push({ id: wave.id, name: wave.name });
    }
  }
  return outcome;
}

/** The staff action: the default plan for one activity. */
export async function applyPlanToActivity(tx: Tx, actor: Actor, activityId: string, now = new Date()): Promise<PlanOutcome> {
  const [activity] = await repo.activitiesByIds(tx, [activityId]);
  if (!activity) throw Problem.notFound('No such activity');
  if (!activity.startDate || !activity.endDate) throw Problem.badRequest('The activity needs start and end dates for waves relative to them', 'activityId');
  const outcome = await applyPlan(tx, [activity], now);
  await audit(tx, actor, 'wave.plan_applied', `activity:${activityId}`, { created: outcome.created.length });
  return outcome;
}

/** What the scheduler does when the organisation asked for it: the plan for every dated, not cancelled activity. */
export async function autoApplyPlan(tx: Tx, now: Date): Promise<number> {
  const settings = await repo.findSettings(tx);
  if (!settings?.autoApply) return 0;
  return (await applyPlan(tx, await repo.plannableActivities(tx), now, settings.plan)).created.length;
}

export const activitiesForChoice = (tx: Tx) => repo.plannableActivities(tx);
