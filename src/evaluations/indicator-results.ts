// Findings and progress updates point at indicator results (a KPI, a period, filters). The value
// is never copied: pages ask an `IndicatorResultSource` each time, so evidence stays live.
// The engine's implementation is `engineIndicatorResults` (analytics/indicator-source.ts), wired
// in `evaluationRoutes` options by http/server.ts; the default source answers "not available".
import type { Tx } from '../db/database.ts';
import type { IndicatorLink } from './schema.ts';

export type IndicatorResult =
  | { available: true; value: number; ciLow: number | null; ciHigh: number | null; n: number; label?: string }
  | { available: false; reason: string };

export interface IndicatorResultSource {
  /** `tx`: the caller's tenant transaction, in which the result is computed. */
  resultFor(link: IndicatorLink, tx: Tx): Promise<IndicatorResult>;
}

export const indicatorEngineNotAvailable: IndicatorResultSource = {
  async resultFor() {
    return { available: false, reason: 'indicator engine not available' };
  },
};

/** The catalogue's activities, as evaluations show their scope. Wired to the catalogue when it lands. */
export interface ActivityLookup {
  /** Display codes/titles of the given activity ids; ids the catalogue does not know are left out. */
  describe(tx: Tx, activityIds: string[]): Promise<Map<string, string>>;
  /** The activities a scope may choose from (id and display label), newest first. */
  options(tx: Tx): Promise<Array<{ id: string; label: string }>>;
}

export const activitiesShownAsIds: ActivityLookup = {
  async describe() {
    return new Map();
  },
  async options() {
    return [];
  },
};
