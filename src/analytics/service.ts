// The rules of indicator definitions, baselines and targets: validation, the standard set,
// audit. Every function runs inside a tenant transaction (one organisation).
import { audit, type Actor } from '../accounts/service.ts';
import type { Tx } from '../db/database.ts';
import type { FieldIssue } from '../http/problem.ts';
import {
  INDICATOR_KEY_PATTERN,
  standardIndicators,
  validateDefinition,
  type IndicatorSpec,
} from './definitions.ts';
import { formatPeriod, parsePeriod, PeriodError, type Period, type PeriodBasis } from './periods.ts';
import * as repository from './repository.ts';

/** A rule was broken; `errors` name the offending fields. `status` says which HTTP status fits. */
export class AnalyticsError extends Error {
  constructor(
    message: string,
    readonly errors: FieldIssue[] = [],
    readonly status: 400 | 404 | 409 | 422 = 422,
  ) {
    super(message);
  }
}

export interface Target {
  period: string;
  baseline: number | null;
  target: number | null;
}

export interface Indicator extends IndicatorSpec {
  standard: boolean;
  targets: Target[];
}

/** Installs the standard set in the current organisation; existing keys are left as they are. Idempotent. */
export function installStandardIndicators(tx: Tx): Promise<number> {
  return repository.insertMissingIndicators(tx, standardIndicators, true);
}

// Reads install the standard set first (a no-op once done), so every organisation, including one
// created before an indicator joined the set, sees the whole set without a separate step.
export async function listIndicators(tx: Tx): Promise<Indicator[]> {
  await installStandardIndicators(tx);
  const [definitions, targets] = await Promise.all([repository.listIndicatorRows(tx), repository.listTargetRows(tx)]);
  return definitions.map((row) => toIndicator(row, targets.filter((target) => target.indicatorKey === row.key)));
}

export async function getIndicator(tx: Tx, key: string): Promise<Indicator> {
  await installStandardIndicators(tx);
  const row = await repository.findIndicatorRow(tx, key);
  if (!row) throw noSuchIndicator(key);
  return toIndicator(row, await repository.listTargetRows(tx, key));
}

/** An indicator as received: the definition is not validated yet; the period basis defaults to the cohort. */
export type IndicatorInput = Omit<IndicatorSpec, 'key' | 'periodBasis' | 'definition'> & { periodBasis?: PeriodBasis; definition: unknown };

/** Creates or replaces an organisation's own indicator. Standard indicators cannot be redefined. */
export async function saveIndicator(tx: Tx, actor: Actor, key: string, body: IndicatorInput): Promise<Indicator> {
  if (!new RegExp(INDICATOR_KEY_PATTERN).test(key)) {
    throw new AnalyticsError(`Indicator key "${key}" must be 2–63 lower-case letters, digits or _ and start with a letter`, [
      { field: 'params/key', message: `must match ${INDICATOR_KEY_PATTERN}` },
    ], 400);
  }
  const validation = validateDefinition(body.definition, 'body/definition');
  if (!validation.ok) {
    throw new AnalyticsError(validation.errors.map((e) => `${e.field}: ${e.message}`).join('; '), validation.errors, 400);
  }
  await installStandardIndicators(tx);
  const existing = await repository.findIndicatorRow(tx, key);
  if (existing?.standard) {
    throw new AnalyticsError(`"${key}" is a standard indicator and cannot be redefined; choose another key`, [{ field: 'params/key', message: 'is a standard indicator' }], 409);
  }
  await repository.upsertIndicator(tx, { ...body, key, periodBasis: body.periodBasis ?? 'activity_end', definition: validation.definition });
  await audit(tx, actor, existing ? 'indicator.updated' : 'indicator.created', `indicator:${key}`, { kind: validation.definition.kind });
  return getIndicator(tx, key);
}

export interface TargetInput {
  baseline: number | null;
  target: number | null;
}

/** Sets the baseline and target of an indicator for a period (a year or a range of years). No actor: the CLI. */
export async function setTarget(tx: Tx, actor: Actor | undefined, key: string, periodText: string, input: TargetInput): Promise<Target> {
  const period = parsePeriodOrThrow(periodText, 'period');
  await installStandardIndicators(tx);
  const indicator = await repository.findIndicatorRow(tx, key);
  if (!indicator) throw noSuchIndicator(key);
  checkTargetValues(input, indicator.unit);
  const saved = await repository.upsertTarget(tx, { indicatorKey: key, period, ...input, updatedBy: actor?.userId ?? null });
  await audit(tx, actor, 'indicator.target_set', `indicator:${key}`, { period: formatPeriod(period), ...input });
  return toTarget(saved);
}

export async function deleteTarget(tx: Tx, actor: Actor, key: string, periodText: string): Promise<void> {
  const period = parsePeriodOrThrow(periodText, 'period');
  const deleted = await repository.deleteTargetRow(tx, key, period);
  if (!deleted) throw new AnalyticsError(`No baseline or target of "${key}" for ${formatPeriod(period)}`, [], 404);
  await audit(tx, actor, 'indicator.target_deleted', `indicator:${key}`, { period: formatPeriod(period) });
}

/** Baseline and target of each indicator for exactly one period, for the KPI output. */
export async function targetsForPeriod(tx: Tx, period: Period): Promise<Map<string, TargetInput>> {
  const rows = await repository.listTargetRows(tx);
  return new Map(
    rows
      .filter((row) => row.periodFrom === period.from && row.periodTo === period.to)
      .map((row) => [row.indicatorKey, { baseline: row.baseline, target: row.target }]),
  );
}

export function parsePeriodOrThrow(text: string, field: string): Period {
  try {
    return parsePeriod(text);
  } catch (error) {
    if (error instanceof PeriodError) throw new AnalyticsError(error.message, [{ field, message: error.message }], 400);
    throw error;
  }
}

function checkTargetValues(input: TargetInput, unit: IndicatorSpec['unit']): void {
  const issues: FieldIssue[] = [];
  if (input.baseline === null && input.target === null) {
    issues.push({ field: 'target', message: 'give a baseline, a target or both' });
  }
  for (const field of ['baseline', 'target'] as const) {
    const value = input[field];
    if (value === null) continue;
    if (!Number.isFinite(value)) issues.push({ field, message: 'must be a number' });
    else if (unit === 'share' && (value < 0 || value > 1)) issues.push({ field, message: 'is a share: between 0 and 1 (0.75 for 75 %)' });
    else if (unit === 'currency' && value < 0) issues.push({ field, message: 'a cost cannot be negative' });
  }
  if (issues.length > 0) throw new AnalyticsError(issues.map((i) => `${i.field} ${i.message}`).join('; '), issues);
}

function noSuchIndicator(key: string): AnalyticsError {
  return new AnalyticsError(`No indicator "${key}" in this organisation`, [{ field: 'key', message: 'no such indicator' }], 404);
}

function toTarget(row: repository.TargetRow): Target {
  return { period: formatPeriod({ from: row.periodFrom, to: row.periodTo }), baseline: row.baseline, target: row.target };
}

function toIndicator(row: repository.IndicatorRow, targets: repository.TargetRow[]): Indicator {
  return {
    key: row.key,
    names: row.names,
    descriptions: row.descriptions,
    level: row.level,
    criterion: row.criterion,
    direction: row.direction,
    unit: row.unit,
    periodBasis: row.periodBasis,
    definition: row.definition,
    standard: row.standard,
    targets: targets.map(toTarget),
  };
}
