// The public catalogue: published activities and resources of one or every organisation,
// searched anonymously. Queries run as the `tracer_public` role, which row-level security limits
// to published rows and column grants limit to public columns: selecting cost or contact would
// fail with "permission denied", so a private field cannot slip into public output.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../db/database.ts';

/** Runs `work` in one read-only transaction as the anonymous public-catalogue role. */
export function withPublicCatalogue<T>(database: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  return database.system.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', 'tracer_public', true), set_config('tracer.org_id', '', true)`);
    await tx.execute(sql`set transaction read only`);
    return work(tx);
  });
}

export const facetNames = ['theme', 'modality', 'language', 'region', 'country', 'year', 'fee_type', 'status', 'target_group'] as const;
export type FacetName = (typeof facetNames)[number];
export const sortOrders = ['relevance', 'start_date', 'title'] as const;
export type SortOrder = (typeof sortOrders)[number];

export interface CatalogueQuery {
  q?: string;
  org?: string;
  theme?: string;
  modality?: string;
  language?: string;
  region?: string;
  country?: string;
  year?: number;
  feeType?: string;
  status?: string;
  targetGroup?: string;
  when?: 'upcoming' | 'past';
  sort?: SortOrder;
  page?: number;
  pageSize?: number;
}

/** Only public columns: this list is also what the column grants allow. */
export interface PublicActivity {
  id: string;
  organisation: { slug: string; name: string };
  code: string;
  title: string;
  description: string;
  themes: string[];
  modality: string;
  languages: string[];
  startDate: string | null;
  endDate: string | null;
  country: string | null;
  city: string | null;
  region: string | null;
  feeType: string;
  isOpen: boolean;
  targetGroups: string[];
  programme: string | null;
  status: string;
}

export interface PublicResource {
  id: string;
  organisation: { slug: string; name: string };
  title: string;
  description: string;
  type: string;
  languages: string[];
  licence: string | null;
  url: string | null;
  themes: string[];
  openAccess: boolean;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface CatalogueResults {
  total: number;
  page: number;
  pageSize: number;
  activities: PublicActivity[];
  facets: Record<FacetName, FacetCount[]>;
  resources: PublicResource[];
  resourceTotal: number;
}

function activityConditions(query: CatalogueQuery): SQL {
  const conditions: SQL[] = [sql`a.published`];
  if (query.q) conditions.push(sql`a.search_vector @@ tracer_search_query(${query.q})`);
  if (query.org) conditions.push(sql`o.slug = ${query.org}`);
  if (query.theme) conditions.push(sql`a.themes @> array[${query.theme}]::text[]`);
  if (query.modality) conditions.push(sql`a.modality::text = ${query.modality}`);
  if (query.language) conditions.push(sql`a.languages @> array[${query.language}]::text[]`);
  if (query.region) conditions.push(sql`a.region = ${query.region}`);
  if (query.country) conditions.push(sql`a.country = ${query.country}`);
  if (query.year) conditions.push(sql`a.start_date >= make_date(${query.year}::int, 1, 1) and a.start_date < make_date(${query.year}::int + 1, 1, 1)`);
  if (query.feeType) conditions.push(sql`a.fee_type::text = ${query.feeType}`);
  if (query.status) conditions.push(sql`a.status::text = ${query.status}`);
  if (query.targetGroup) conditions.push(sql`a.target_groups @> array[${query.targetGroup}]::text[]`);
  if (query.when === 'upcoming') conditions.push(sql`coalesce(a.end_date, a.start_date) >= current_date`);
  if (query.when === 'past') conditions.push(sql`coalesce(a.end_date, a.start_date) < current_date`);
  return sql.join(conditions, sql` and `);
}

function orderBy(query: CatalogueQuery): SQL {
  const sort = query.sort ?? (query.q ? 'relevance' : 'start_date');
  if (sort === 'title') return sql`a.title, a.id`;
  if (sort === 'relevance' && query.q) return sql`ts_rank(a.search_vector, tracer_search_query(${query.q})) desc, a.start_date desc nulls last, a.id`;
  return sql`a.start_date desc nulls last, a.id`;
}

const FROM_ACTIVITIES = sql`from activities a join organisations o on o.id = a.org_id`;

export async function searchCatalogue(tx: Tx, query: CatalogueQuery): Promise<CatalogueResults> {
  const page = Math.max(1, query.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, query.pageSize ?? 20));
  const where = activityConditions(query);
  const found = await rows<Omit<PublicActivity, 'organisation'> & { orgSlug: string; orgName: string }>(
    tx,
    sql`select a.id, o.slug as "orgSlug", o.name as "orgName", a.code, a.title, a.description, a.themes, a.modality,
               a.languages, a.start_date::text as "startDate", a.end_date::text as "endDate", a.country, a.city, a.region,
               a.fee_type as "feeType", a.is_open as "isOpen", a.target_groups as "targetGroups", a.programme, a.status
          ${FROM_ACTIVITIES} where ${where} order by ${orderBy(query)} limit ${pageSize} offset ${(page - 1) * pageSize}`,
  );
  const facetRows = await rows<{ facet: FacetName; value: string; count: number }>(
    tx,
    sql`with matched as (select a.themes, a.modality, a.languages, a.region, a.country, a.start_date, a.fee_type, a.status, a.target_groups
                           ${FROM_ACTIVITIES} where ${where})
        select 'total' as facet, '' as value, count(*)::int as count from matched
        union all select 'theme', t, count(*)::int from matched, unnest(themes) t group by t
        union all select 'modality', modality::text, count(*)::int from matched group by modality
        union all select 'language', l, count(*)::int from matched, unnest(languages) l group by l
        union all select 'region', region, count(*)::int from matched where region is not null group by region
        union all select 'country', country, count(*)::int from matched where country is not null group by country
        union all select 'year', extract(year from start_date)::int::text, count(*)::int from matched where start_date is not null group by 2
        union all select 'fee_type', fee_type::text, count(*)::int from matched group by fee_type
        union all select 'status', status::text, count(*)::int from matched group by status
        union all select 'target_group', g, count(*)::int from matched, unnest(target_groups) g group by g`,
  );
  const facets = Object.fromEntries(facetNames.map((name) => [name, [] as FacetCount[]])) as Record<FacetName, FacetCount[]>;
  let total = 0;
  for (const row of facetRows) {
    if ((row.facet as string) === 'total') total = row.count;
    else facets[row.facet].push({ value: row.value, count: row.count });
  }
  for (const list of Object.values(facets)) list.sort((x, y) => y.count - x.count || x.value.localeCompare(y.value));
  const { resources, resourceTotal } = await searchResources(tx, query);
  return {
    total,
    page,
    pageSize,
    activities: found.map(({ orgSlug, orgName, ...activity }) => ({ ...activity, organisation: { slug: orgSlug, name: orgName } })),
    facets,
    resources,
    resourceTotal,
  };
}

async function searchResources(tx: Tx, query: CatalogueQuery): Promise<{ resources: PublicResource[]; resourceTotal: number }> {
  const conditions: SQL[] = [sql`r.published`];
  if (query.q) conditions.push(sql`r.search_vector @@ tracer_search_query(${query.q})`);
  if (query.org) conditions.push(sql`o.slug = ${query.org}`);
  if (query.theme) conditions.push(sql`r.themes @> array[${query.theme}]::text[]`);
  if (query.language) conditions.push(sql`r.languages @> array[${query.language}]::text[]`);
  const where = sql.join(conditions, sql` and `);
  const found = await rows<Omit<PublicResource, 'organisation'> & { orgSlug: string; orgName: string; total: number }>(
    tx,
    sql`select r.id, o.slug as "orgSlug", o.name as "orgName", r.title, r.description, r.type, r.languages, r.licence, r.url,
               r.themes, r.open_access as "openAccess", count(*) over ()::int as total
          from resources r join organisations o on o.id = r.org_id
         where ${where}
         order by ${query.q ? sql`ts_rank(r.search_vector, tracer_search_query(${query.q})) desc,` : sql``} r.title, r.id limit 10`,
  );
  return {
    resourceTotal: found[0]?.total ?? 0,
    resources: found.map(({ orgSlug, orgName, total: _total, ...resource }) => ({ ...resource, organisation: { slug: orgSlug, name: orgName } })),
  };
}
