// Pure rules of waves: the default plan, dates relative to activities, token generation and hashing.
// No database here, so they are tested directly.
import { createHash, randomBytes } from 'node:crypto';
import type { EnrolmentStatus } from '../people/vocabulary.ts';

export const wavePopulations = ['participants', 'resource_persons'] as const;
export type WavePopulation = (typeof wavePopulations)[number];
export const waveAnchors = ['start', 'end', 'fixed'] as const;
export type WaveAnchor = (typeof waveAnchors)[number];

/** One wave of the organisation's default plan, applied to each activity. */
export interface WavePlanItem {
  /** Stable key of the item, e.g. `follow_up_6m`: a plan item is applied once per activity. */
  key: string;
  name: string;
  /** Instrument key; its latest published version is used. */
  instrumentKey: string;
  anchor: 'start' | 'end';
  offsetMonths: number;
  offsetDays: number;
  /** How many days the wave stays open. */
  openDays: number;
  population: WavePopulation;
  eligibleStatuses: EnrolmentStatus[];
  reminderDays: number[];
}

export const DEFAULT_ELIGIBLE: EnrolmentStatus[] = ['completed', 'certified'];

/** Pre-test a week before the start, end-of-activity on the last day, follow-up at 6 and 12 months. */
export const defaultPlan: WavePlanItem[] = [
  { key: 'pre_test', name: 'Pre-test', instrumentKey: 'pre_test', anchor: 'start', offsetMonths: 0, offsetDays: -7, openDays: 7, population: 'participants', eligibleStatuses: ['enrolled', 'completed', 'certified'], reminderDays: [3, 5] },
  { key: 'end_of_activity', name: 'End of activity', instrumentKey: 'end_of_activity', anchor: 'end', offsetMonths: 0, offsetDays: 0, openDays: 21, population: 'participants', eligibleStatuses: DEFAULT_ELIGIBLE, reminderDays: [7, 14] },
  { key: 'follow_up_6m', name: 'Follow-up at 6 months', instrumentKey: 'follow_up', anchor: 'end', offsetMonths: 6, offsetDays: 0, openDays: 42, population: 'participants', eligibleStatuses: DEFAULT_ELIGIBLE, reminderDays: [7, 14] },
  { key: 'follow_up_12m', name: 'Follow-up at 12 months', instrumentKey: 'follow_up', anchor: 'end', offsetMonths: 12, offsetDays: 0, openDays: 42, population: 'participants', eligibleStatuses: DEFAULT_ELIGIBLE, reminderDays: [7, 14] },
];

/** `date` (YYYY-MM-DD) plus months (clamped to the month's last day) and days, as a YYYY-MM-DD date. */
export function shiftDate(date: string, months: number, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(Date.UTC(year, month, Math.min(d, lastDay)) + days * 86_400_000);
  return shifted.toISOString().slice(0, 10);
}

export interface ActivityDates {
  startDate: string | null;
  endDate: string | null;
}

export interface Schedule {
  opensAt: Date;
  closesAt: Date;
}

/**
 * Open and close dates relative to the activities: the first start for `start`, the last end for
 * `end` (a cohort is one wave). Opens at 00:00 UTC of the computed day, stays open `openDays` days.
 * Undefined when the activities lack the date the anchor needs.
 */
export function scheduleFor(
  rule: { anchor: 'start' | 'end'; offsetMonths: number; offsetDays: number; openDays: number },
  activityDates: ActivityDates[],
): Schedule | undefined {
  const dates = activityDates.map((a) => (rule.anchor === 'start' ? a.startDate : a.endDate));
  if (dates.length === 0 || dates.some((d) => d === null)) return undefined;
  const sorted = (dates as string[]).sort();
  const base = rule.anchor === 'start' ? sorted[0]! : sorted[sorted.length - 1]!;
  const opensAt = new Date(`${shiftDate(base, rule.offsetMonths, rule.offsetDays)}T00:00:00Z`);
  return { opensAt, closesAt: new Date(opensAt.getTime() + rule.openDays * 86_400_000) };
}

/** A personal link token: 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are high-entropy, so an unsalted SHA-256 is what they are stored and looked up as. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** What the personal token format allows, checked before any lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The one response an invitation may write (its client submission id). */
export function invitationSubmissionId(invitationId: string): string {
  return `wave-${invitationId}`;
}
