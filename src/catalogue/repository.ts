// Every query of the catalogue. Staff queries run in tenant transactions (row-level security
// confines them to one organisation); public queries run as `tracer_public` (public-access.ts).
import { and, asc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { rows, type Queryable, type Tx } from '../db/database.ts';
import { activities, resourceActivities, resources, themes } from './schema.ts';
import { defaultThemes } from './vocabulary.ts';

export type ActivityRow = Omit<typeof activities.$inferSelect, 'searchVector'>;
const { searchVector: _searchVector, ...activityFields } = getTableColumns(activities);
export type ActivityValues = Omit<typeof activities.$inferInsert, 'orgId' | 'id' | 'searchVector' | 'createdAt' | 'updatedAt'>;
export type ResourceRow = typeof resources.$inferSelect;
export type ResourceValues = Omit<typeof resources.$inferInsert, 'orgId' | 'id' | 'searchVector' | 'createdAt'>;
export type ThemeRow = typeof themes.$inferSelect;

export async function listThemes(tx: Queryable): Promise<ThemeRow[]> {
  return tx.select().from(themes).orderBy(asc(themes.code));
}

export async function insertDefaultThemes(tx: Tx, orgId: string): Promise<void> {
  await tx
    .insert(themes)
    .values(defaultThemes.map((theme) => ({ orgId, code: theme.code, labelEn: theme.en, labelFr: theme.fr, labelEs: theme.es })))
    .onConflictDoNothing();
}

export async function upsertTheme(tx: Tx, orgId: string, theme: { code: string; labelEn: string; labelFr: string; labelEs: string }): Promise<void> {
  await tx
    .insert(themes)
    .values({ orgId, ...theme })
    .onConflictDoUpdate({ target: [themes.orgId, themes.code], set: { labelEn: theme.labelEn, labelFr: theme.labelFr, labelEs: theme.labelEs } });
}

/** Inserts or updates by code; returns the ids by code and how many were new. */
export async function upsertActivities(tx: Tx, orgId: string, values: ActivityValues[]): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  for (const chunk of chunks(values, 500)) {
    const written = await tx
      .insert(activities)
      .values(chunk.map((value) => ({ ...value, orgId })))
      .onConflictDoUpdate({
        target: [activities.orgId, activities.code],
        set: excludedColumns(chunk[0]!, activityColumns, ['code']),
      })
      .returning({ isNew: sql<boolean>`(xmax = 0)` });
    inserted += written.filter((row) => row.isNew).length;
  }
  return { inserted, updated: values.length - inserted };
}

export async function updateActivity(tx: Tx, id: string, values: Partial<ActivityValues>): Promise<ActivityRow | undefined> {
  const [row] = await tx
    .update(activities)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(activities.id, id))
    .returning(activityFields);
  return row;
}

export async function findActivity(tx: Queryable, id: string): Promise<ActivityRow | undefined> {
  const [row] = await tx.select(activityFields).from(activities).where(eq(activities.id, id));
  return row;
}

export async function activityIdsByCode(tx: Queryable, codes: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks(codes, 1000)) {
    const result = await tx.select({ id: activities.id, code: activities.code }).from(activities).where(inArray(activities.code, chunk));
    for (const row of result) found.set(row.code, row.id);
  }
  return found;
}

export interface ActivityFilter {
  q?: string;
  status?: string;
  theme?: string;
  year?: number;
}

export async function listActivities(tx: Queryable, filter: ActivityFilter, limit = 500): Promise<ActivityRow[]> {
  const conditions: SQL[] = [];
  if (filter.q) conditions.push(sql`${activities.searchVector} @@ tracer_search_query(${filter.q})`);
  if (filter.status) conditions.push(sql`${activities.status}::text = ${filter.status}`);
  if (filter.theme) conditions.push(sql`${activities.themes} @> array[${filter.theme}]::text[]`);
  if (filter.year) conditions.push(sql`extract(year from ${activities.startDate})::int = ${filter.year}`);
  return tx
    .select(activityFields)
    .from(activities)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(sql`${activities.startDate} desc nulls last`, asc(activities.code))
    .limit(limit);
}

export async function upsertResources(tx: Tx, orgId: string, values: ResourceValues[]): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  for (const chunk of chunks(values, 500)) {
    const written = await tx
      .insert(resources)
      .values(chunk.map((value) => ({ ...value, orgId })))
      .onConflictDoUpdate({ target: [resources.orgId, resources.title], set: excludedColumns(chunk[0]!, resourceColumns, ['title']) })
      .returning({ isNew: sql<boolean>`(xmax = 0)` });
    inserted += written.filter((row) => row.isNew).length;
  }
  return { inserted, updated: values.length - inserted };
}

export async function resourceIdsByTitle(tx: Queryable, titles: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks(titles, 1000)) {
    const result = await tx.select({ id: resources.id, title: resources.title }).from(resources).where(inArray(resources.title, chunk));
    for (const row of result) found.set(row.title, row.id);
  }
  return found;
}

export async function replaceResourceLinks(tx: Tx, orgId: string, resourceId: string, activityIds: string[]): Promise<void> {
  await tx.delete(resourceActivities).where(eq(resourceActivities.resourceId, resourceId));
  if (activityIds.length > 0) {
    await tx.insert(resourceActivities).values(activityIds.map((activityId) => ({ orgId, resourceId, activityId })));
  }
}

export type ResourceWithLinks = ResourceRow & { activityCodes: string[] };

export async function listResources(tx: Queryable, limit = 500): Promise<ResourceWithLinks[]> {
  return rows<ResourceWithLinks>(
    tx,
    sql`select r.id, r.title, r.description, r.type, r.languages, r.licence, r.url, r.themes, r.open_access as "openAccess",
               r.published, coalesce(array_agg(a.code order by a.code) filter (where a.code is not null), '{}') as "activityCodes"
          from resources r
          left join resource_activities l on l.org_id = r.org_id and l.resource_id = r.id
          left join activities a on a.org_id = l.org_id and a.id = l.activity_id
         group by r.org_id, r.id order by r.title limit ${limit}`,
  );
}

// ---------------------------------------------------------------- helpers

const activityColumns = activities as unknown as Record<string, { name: string }>;
const resourceColumns = resources as unknown as Record<string, { name: string }>;

/** `set col = excluded.col` for every column given in `sample`, except the conflict key. */
function excludedColumns(sample: object, table: Record<string, { name: string }>, except: string[]): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const key of Object.keys(sample)) {
    if (except.includes(key)) continue;
    set[key] = sql.raw(`excluded."${table[key]!.name}"`);
  }
  return set;
}

export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** An activity as a report's scope lists it (no cost, no contact). */
export interface ScopeActivity {
  id: string;
  code: string;
  title: string;
  modality: string;
  languages: string[];
  feeType: string;
  programme: string | null;
}

/**
 * The activities that ended in the years `from`–`to` (the engine's cohort rule: a result belongs to
 * the year its activity ended), of one programme when given.
 */
export async function activitiesEndedIn(tx: Queryable, years: { from: number; to: number }, programme?: string): Promise<ScopeActivity[]> {
  const conditions: SQL[] = [sql`${activities.endDate} is not null`, sql`extract(year from ${activities.endDate})::int between ${years.from} and ${years.to}`];
  if (programme) conditions.push(eq(activities.programme, programme));
  return tx
    .select({
      id: activities.id,
      code: activities.code,
      title: activities.title,
      modality: sql<string>`${activities.modality}::text`,
      languages: activities.languages,
      feeType: sql<string>`${activities.feeType}::text`,
      programme: activities.programme,
    })
    .from(activities)
    .where(and(...conditions))
    .orderBy(asc(activities.code));
}
