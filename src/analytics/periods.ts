// Reporting periods: a year ("2023") or a range of years ("2022-2023", a biennium). The period
// of a result is the cohort: the year in which the activity ended (UTC), unless an indicator's
// period basis says otherwise.

export interface Period {
  /** First year, inclusive. */
  from: number;
  /** Last year, inclusive; equal to `from` for a single year. */
  to: number;
}

export const MIN_YEAR = 1990;
export const MAX_YEAR = 2100;

export class PeriodError extends Error {}

const PERIOD_PATTERN = /^(\d{4})(?:-(\d{4}))?$/;

export function parsePeriod(text: string): Period {
  const match = PERIOD_PATTERN.exec(text.trim());
  if (!match) throw new PeriodError(`"${text}" is not a period: write a year (2023) or a range of years (2022-2023)`);
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  for (const year of [from, to]) {
    if (year < MIN_YEAR || year > MAX_YEAR) throw new PeriodError(`Year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}`);
  }
  if (match[2] !== undefined && to <= from) {
    throw new PeriodError(`In "${text}" the second year must come after the first (for one year write ${from})`);
  }
  return { from, to };
}

export function formatPeriod({ from, to }: Period): string {
  return from === to ? String(from) : `${from}-${to}`;
}

export function yearPeriod(year: number): Period {
  return { from: year, to: year };
}

export function periodContains(period: Period, year: number): boolean {
  return year >= period.from && year <= period.to;
}

export function periodYears({ from, to }: Period): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** What decides which period a result falls in. */
export const periodBases = ['activity_end', 'response_date'] as const;
export type PeriodBasis = (typeof periodBases)[number];

/** The cohort rule: a result belongs to the year its activity ended. */
export function cohortYear(activityEnd: Date): number {
  return activityEnd.getUTCFullYear();
}
