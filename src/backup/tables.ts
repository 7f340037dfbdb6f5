// What a backup contains, read from the database's own catalogue so that a table added by any
// future migration is backed up without anyone remembering to list it: every organisation-owned
// table (the tenancy rule guarantees an org_id column) except those derived by triggers, in an order where each table comes after
// the tables it references, plus the global tables an organisation needs.
import { sql } from 'drizzle-orm';
import { rows, type Queryable } from '../db/database.ts';

export interface TableShape {
  name: string;
  /** Columns a restore writes: every column except generated ones. */
  columns: string[];
  primaryKey: string[];
}

/**
 * Dependencies the catalogue cannot see: a trigger that reads another table while computing a
 * column. The activities and resources search vectors include their theme labels, so themes must
 * be restored first or the recomputed vectors (and the checksums) would differ.
 */
const TRIGGER_DEPENDENCIES: Record<string, string[]> = {
  activities: ['themes'],
  resources: ['themes'],
};

/**
 * Tables that triggers derive from other tables, left out of backups: restoring their sources
 * rebuilds them (restoring their rows as well would write each row twice).
 */
export const DERIVED_TABLES: Readonly<Record<string, string>> = {
  catalogue_activity_search: 'the public search projection of published activities, written by the trigger on activities',
  catalogue_facet_counts: 'facet counts of published activities, written by the same trigger',
  catalogue_facet_period_counts: 'facet counts of published activities by year and month of their last date, written by the same trigger',
  indicator_units: 'the rollup of the answer-based indicators, recomputed by the engine from responses and answers',
  indicator_dirty: 'activities whose rollup rows are out of date, marked by triggers on responses, answers and definitions',
};

/** Global tables, in restore order, with what a one-organisation backup takes of them. */
export const GLOBAL_TABLES = ['organisations', 'users', 'instance_settings'] as const;
export type GlobalTable = (typeof GLOBAL_TABLES)[number];

export async function organisationTables(db: Queryable): Promise<TableShape[]> {
  const names = (
    await rows<{ name: string }>(
      db,
      sql`select c.relname as name
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
             and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped)
           order by 1`,
    )
  )
    .map((row) => row.name)
    .filter((name) => !(name in DERIVED_TABLES));
  const edges = await rows<{ child: string; parent: string }>(
    db,
    sql`select distinct child.relname as child, parent.relname as parent
          from pg_constraint k
          join pg_class child on child.oid = k.conrelid
          join pg_class parent on parent.oid = k.confrelid
          join pg_namespace n on n.oid = child.relnamespace
         where k.contype = 'f' and n.nspname = 'public' and child.oid <> parent.oid`,
  );
  const ordered = dependencyOrder(names, [...edges, ...triggerEdges()]);
  return Promise.all(ordered.map((name) => tableShape(db, name)));
}

export async function tableShape(db: Queryable, name: string): Promise<TableShape> {
  const columns = await rows<{ name: string }>(
    db,
    sql`select column_name as name from information_schema.columns
         where table_schema = 'public' and table_name = ${name} and is_generated = 'NEVER'
         order by ordinal_position`,
  );
  const key = await rows<{ name: string }>(
    db,
    sql`select a.attname as name
          from pg_index i
          join unnest(i.indkey) with ordinality as k(attnum, position) on true
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
         where i.indrelid = ${`public.${name}`}::regclass and i.indisprimary
         order by k.position`,
  );
  if (key.length === 0) throw new Error(`Table ${name} has no primary key; a backup needs one to order its rows`);
  return { name, columns: columns.map((c) => c.name), primaryKey: key.map((k) => k.name) };
}

function triggerEdges(): Array<{ child: string; parent: string }> {
  return Object.entries(TRIGGER_DEPENDENCIES).flatMap(([child, parents]) => parents.map((parent) => ({ child, parent })));
}

/** Parents before children (Kahn's algorithm, alphabetical among equals so the order is stable). */
export function dependencyOrder(names: string[], edges: Array<{ child: string; parent: string }>): string[] {
  const known = new Set(names);
  const parentsOf = new Map(names.map((name) => [name, new Set<string>()]));
  for (const { child, parent } of edges) {
    if (known.has(child) && known.has(parent)) parentsOf.get(child)!.add(parent);
  }
  const ordered: string[] = [];
  const done = new Set<string>();
  while (ordered.length < names.length) {
    const ready = names.filter((name) => !done.has(name) && [...parentsOf.get(name)!].every((parent) => done.has(parent)));
    if (ready.length === 0) {
      const stuck = names.filter((name) => !done.has(name));
      throw new Error(`Foreign keys form a cycle among ${stuck.join(', ')}; a backup cannot order them`);
    }
    const next = ready.sort()[0]!;
    ordered.push(next);
    done.add(next);
  }
  return ordered;
}
