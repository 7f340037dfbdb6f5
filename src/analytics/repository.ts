// Every query of the analytics domain's own tables (definitions, baselines and targets).
// Runs inside a tenant transaction: row-level security confines it to one organisation.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import type { IndicatorSpec } from './definitions.ts';
import type { Period } from './periods.ts';
import { indicatorDefinitions, indicatorTargets } from './schema.ts';

export type IndicatorRow = typeof indicatorDefinitions.$inferSelect;
export type TargetRow = typeof indicatorTargets.$inferSelect;

function specColumns(spec: IndicatorSpec) {
  return {
    names: spec.names,
    descriptions: spec.descriptions,
    level: spec.level,
    criterion: spec.criterion,
    direction: spec.direction,
    unit: spec.unit,
    periodBasis: spec.periodBasis,
    definition: spec.definition,
  };
}

/** Adds the indicators that are missing; never overwrites an existing key. Returns how many were added. */
export async function insertMissingIndicators(tx: Tx, specs: readonly IndicatorSpec[], standard: boolean): Promise<number> {
  const added = await tx
    .insert(indicatorDefinitions)
    .values(specs.map((spec) => ({ orgId: sql`tracer_current_org()`, key: spec.key, standard, ...specColumns(spec) })))
    .onConflictDoNothing()
    .returning({ key: indicatorDefinitions.key });
  return added.length;
}

export async function upsertIndicator(tx: Tx, spec: IndicatorSpec): Promise<IndicatorRow> {
  const [saved] = await tx
    .insert(indicatorDefinitions)
    .values({ orgId: sql`tracer_current_org()`, key: spec.key, standard: false, ...specColumns(spec) })
    .onConflictDoUpdate({
      target: [indicatorDefinitions.orgId, indicatorDefinitions.key],
      set: { ...specColumns(spec), updatedAt: sql`now()` },
    })
    .returning();
  return saved!;
}

export function listIndicatorRows(tx: Tx): Promise<IndicatorRow[]> {
  return tx.select().from(indicatorDefinitions).orderBy(asc(indicatorDefinitions.level), asc(indicatorDefinitions.key));
}

export async function findIndicatorRow(tx: Tx, key: string): Promise<IndicatorRow | undefined> {
  const [found] = await tx.select().from(indicatorDefinitions).where(eq(indicatorDefinitions.key, key));
  return found;
}

export function listTargetRows(tx: Tx, indicatorKey?: string): Promise<TargetRow[]> {
  return tx
    .select()
    .from(indicatorTargets)
    .where(indicatorKey === undefined ? undefined : eq(indicatorTargets.indicatorKey, indicatorKey))
    .orderBy(asc(indicatorTargets.indicatorKey), asc(indicatorTargets.periodFrom), asc(indicatorTargets.periodTo));
}

export async function upsertTarget(
  tx: Tx,
  values: { indicatorKey: string; period: Period; baseline: number | null; target: number | null; updatedBy: string | null },
): Promise<TargetRow> {
  const columns = { baseline: values.baseline, target: values.target, updatedBy: values.updatedBy, updatedAt: sql`now()` };
  const [saved] = await tx
    .insert(indicatorTargets)
    .values({
      orgId: sql`tracer_current_org()`,
      indicatorKey: values.indicatorKey,
      periodFrom: values.period.from,
      periodTo: values.period.to,
      ...columns,
    })
    .onConflictDoUpdate({
      target: [indicatorTargets.orgId, indicatorTargets.indicatorKey, indicatorTargets.periodFrom, indicatorTargets.periodTo],
      set: columns,
    })
    .returning();
  return saved!;
}

export async function deleteTargetRow(tx: Tx, indicatorKey: string, period: Period): Promise<boolean> {
  const deleted = await tx
    .delete(indicatorTargets)
    .where(
      and(
        eq(indicatorTargets.indicatorKey, indicatorKey),
        eq(indicatorTargets.periodFrom, period.from),
        eq(indicatorTargets.periodTo, period.to),
      ),
    )
    .returning({ key: indicatorTargets.indicatorKey });
  return deleted.length > 0;
}
