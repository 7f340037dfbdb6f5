// The rules of the activity page: the one page of an activity, reached from the catalogue's list
// and from the dashboard's drill-down. It gathers, for one activity and a period (by default the
// year it ended): its participants' profile, the response rates of its waves, its indicators beside
// the organisation's (two calls of the engine), the pre/post score distribution with the paired
// tests of the engine, its comments (evidence, anonymous respondent ids) and — for those allowed —
// the trainer ratings of its resource persons (evidence's confinement rules). No figure is computed here
// but shares of profile counts.
import type { Actor } from '../accounts/service.ts';
import { computeKpis, getAnalyticsSettings, type KpiReport, type PairedTestRecord } from '../analytics/engine.ts';
import type { KpiResult } from '../analytics/output.ts';
import { listIndicators, type Indicator } from '../analytics/service.ts';
import type { Tx } from '../db/database.ts';
import { searchTexts, trainerRatings, type EvidenceKeys, type EvidenceText, type RatingCell } from '../evidence/service.ts';
import { listWaves, responseRates, type RateRow, type WaveListRow } from '../waves/service.ts';
import { activityProfile, profileDimensions, SCORE_BANDS, scoreDistribution, type ProfileDimension } from './repository.ts';
import { engineFilters } from './service.ts';

/** What the page needs of the activity (a row of the catalogue). */
export interface ActivitySubject {
  id: string;
  code: string;
  title: string;
  programme: string | null;
  endDate: string | null;
}

export interface ProfileGroup {
  dimension: ProfileDimension;
  /** The dimension's code; null: not stated. */
  value: string | null;
  /** Null when suppressed (fewer participants than the threshold, but at least one). */
  count: number | null;
  /** 0–1 of the activity's participants; null when suppressed. */
  share: number | null;
  suppressed: boolean;
}

export interface ParticipantProfile {
  /** Participants (role participant) of the activity. */
  total: number;
  minCellSize: number;
  groups: ProfileGroup[];
}

/**
 * Each group is a cell whose n is its count: under the organisation's threshold it is suppressed
 * (neither count nor share shown), as the engine suppresses cells with fewer valid answers.
 */
export function shapeProfile(counts: ReadonlyArray<{ dimension: ProfileDimension; value: string | null; count: number }>, minCellSize: number): ParticipantProfile {
  const total = counts.filter((c) => c.dimension === profileDimensions[0]).reduce((sum, c) => sum + c.count, 0);
  const order = (value: string | null) => (value === null ? 1 : 0);
  const groups = profileDimensions.flatMap((dimension) =>
    counts
      .filter((c) => c.dimension === dimension)
      .sort((a, b) => order(a.value) - order(b.value) || b.count - a.count || String(a.value).localeCompare(String(b.value)))
      .map(({ value, count }): ProfileGroup => {
        const suppressed = count < minCellSize;
        return { dimension, value, count: suppressed ? null : count, share: suppressed ? null : count / total, suppressed };
      }),
  );
  return { total, minCellSize, groups };
}

export interface WaveRate {
  wave: Pick<WaveListRow, 'id' | 'name' | 'purpose' | 'instrumentKey' | 'opensAt' | 'closesAt'>;
  /** Counts and AAPOR rates over this activity's eligible people only. */
  rate: RateRow;
}

export interface PhaseScores {
  phase: string;
  /** Participants with a scored test of the phase. */
  n: number;
  /** Count per band; null when the phase is suppressed (n under the threshold). */
  bands: number[] | null;
  suppressed: boolean;
}

export interface ScoreDistribution {
  pre: PhaseScores;
  post: PhaseScores;
}

export interface ActivityResults {
  indicators: Indicator[];
  /** The activity's indicators for the period (engine, filter activity=CODE). */
  activity: KpiReport;
  /** The organisation's for the same period (engine, no filter). */
  organisation: KpiReport;
  waves: WaveRate[];
  distribution: ScoreDistribution;
  /** Paired t and Wilcoxon tests of the activity's pre/post gains (from `activity`). */
  paired: PairedTestRecord[];
  comments: { total: number; texts: EvidenceText[] };
}

export interface ActivityView {
  activity: ActivitySubject;
  /** The period of the comparison: the one asked for, else the year the activity ended. */
  period: string | null;
  profile: ParticipantProfile;
  /** Null for those who do not read results (the dashboard's roles: administrators, evaluators, viewers). */
  results: ActivityResults | null;
  /** The ratings of the activity the actor may read; null when the actor may read none (viewers). */
  ratings: { scope: string; minCellSize: number; cells: RatingCell[] } | null;
}

export const COMMENTS_SHOWN = 20;

export const readsResults = (actor: Actor) => ['administrator', 'evaluator', 'viewer'].includes(actor.role);
const readsRatings = (actor: Actor) => ['administrator', 'evaluator', 'trainer'].includes(actor.role);

/** The period of the page: `period` when given, else the year the activity ended (null: no end date). */
export function activityPeriod(activity: ActivitySubject, period: string | undefined): string | null {
  return period || (activity.endDate ? activity.endDate.slice(0, 4) : null);
}

export async function activityView(tx: Tx, actor: Actor, keys: EvidenceKeys, activity: ActivitySubject, query: { period?: string }): Promise<ActivityView> {
  const period = activityPeriod(activity, query.period);
  const settings = await getAnalyticsSettings(tx);
  const profile = shapeProfile(await activityProfile(tx, activity.id), settings.minCellSize);
  const results = readsResults(actor) ? await activityResults(tx, actor, keys, activity, period, settings.minCellSize) : null;
  let ratings: ActivityView['ratings'] = null;
  if (readsRatings(actor)) {
    const found = await trainerRatings(tx, actor, { activityId: activity.id });
    ratings = { scope: found.scope, minCellSize: found.minCellSize, cells: found.cells.filter((cell) => cell.grouping === 'activity') };
  }
  return { activity, period, profile, results, ratings };
}

async function activityResults(tx: Tx, actor: Actor, keys: EvidenceKeys, activity: ActivitySubject, period: string | null, minCellSize: number): Promise<ActivityResults> {
  const indicators = await listIndicators(tx);
  // Without a period (an activity with no end date) the engine finds nothing for it: say so, not every year.
  const base = { period: period ?? undefined };
  const activityReport = await computeKpis(tx, { ...base, filters: engineFilters({ activity: activity.code }) });
  const organisation = await computeKpis(tx, base);
  const waves = await wavesOf(tx, activity.id);
  const phases = testPhases(indicators);
  const distribution = shapeDistribution(await scoreDistribution(tx, activity.id, phases), phases, minCellSize);
  const comments = await searchTexts(tx, actor, keys, { activityId: activity.id }, 1, COMMENTS_SHOWN);
  return { indicators, activity: activityReport, organisation, waves, distribution, paired: activityReport.paired, comments: { total: comments.total, texts: comments.texts } };
}

async function wavesOf(tx: Tx, activityId: string): Promise<WaveRate[]> {
  const waves = (await listWaves(tx, { activityId })).filter((wave) => wave.cancelledAt === null);
  const rates = new Map((await responseRates(tx, 'wave', { activityId })).map((rate) => [rate.groupKey, rate]));
  return waves.map((wave) => ({
    wave: { id: wave.id, name: wave.name, purpose: wave.purpose, instrumentKey: wave.instrumentKey, opensAt: wave.opensAt, closesAt: wave.closesAt },
    rate: rates.get(wave.id) ?? { groupKey: wave.id, waves: 1, eligible: 0, invited: 0, delivered: 0, bounced: 0, opened: 0, partial: 0, complete: 0, rr1: null, rr2: null },
  }));
}

/** The phases of the knowledge tests: those of the organisation's first paired-gain indicator. */
function testPhases(indicators: readonly Indicator[]): [string, string] {
  for (const { definition } of indicators) if (definition.kind === 'paired_gain') return [definition.pre, definition.post];
  return ['pre_test', 'post_test'];
}

function shapeDistribution(counts: ReadonlyArray<{ phase: string; band: number; count: number }>, phases: [string, string], minCellSize: number): ScoreDistribution {
  const phaseScores = (phase: string): PhaseScores => {
    const bands = Array.from({ length: SCORE_BANDS }, (_, band) => counts.find((c) => c.phase === phase && c.band === band)?.count ?? 0);
    const n = bands.reduce((sum, count) => sum + count, 0);
    const suppressed = n > 0 && n < minCellSize;
    return { phase, n, bands: suppressed ? null : bands, suppressed };
  };
  return { pre: phaseScores(phases[0]), post: phaseScores(phases[1]) };
}

export interface KpiPair {
  indicator: Indicator;
  period: string;
  activity: KpiResult | undefined;
  organisation: KpiResult | undefined;
}

/** Every indicator with a result for the organisation or the activity, the two side by side. */
export function kpiPairs(activity: KpiReport, organisation: KpiReport, indicators: readonly Indicator[]): KpiPair[] {
  const pairs: KpiPair[] = [];
  for (const indicator of indicators) {
    const periods = [...new Set([...organisation.results, ...activity.results].filter((r) => r.indicator === indicator.key).map((r) => r.period))].sort();
    for (const period of periods) {
      const find = (report: KpiReport) => report.results.find((r) => r.indicator === indicator.key && r.period === period);
      pairs.push({ indicator, period, activity: find(activity), organisation: find(organisation) });
    }
  }
  return pairs;
}
