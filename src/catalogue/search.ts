// The public catalogue: published activities and resources of one or every organisation,
// searched anonymously. Queries run as the `tracer_public` role, which row-level security limits
// to published rows and column grants limit to public columns: selecting cost or contact would
// fail with "permission denied", so a private field cannot slip into public output.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';

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

// The tsquery is computed once per statement (an init plan), not once per row: tracer_search_query
// runs three parsers and stemmers. Matching goes through tracer_published_*_matches (migration 0006)
// because row-level security keeps `@@` from using the GIN index under the public role. No need to
// join organisations to the matches: a published activity's organisation is public by definition.
function searchQuery(q: string): SQL {
  return sql`(select tracer_search_query(${q}))`;
}

/** Conditions over `a`: published activities, or the rows of tracer_published_activity_matches when searching text. */
function activityConditions(query: CatalogueQuery): SQL {
  const conditions: SQL[] = [query.q ? sql`true` : sql`a.published`];
  if (query.org) conditions.push(sql`a.org_id = (select id from organisations where slug = ${query.org})`);
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

function ranksByRelevance(query: CatalogueQuery): query is CatalogueQuery & { q: string } {
  return Boolean(query.q) && (query.sort ?? 'relevance') === 'relevance';
}

/** Order over rows aliased `alias` that carry id, title, start_date and rank. */
function orderBy(query: CatalogueQuery, alias: 'm' | 'p'): SQL {
  const t = sql.raw(alias);
  if ((query.sort ?? (query.q ? 'relevance' : 'start_date')) === 'title') return sql`${t}.title, ${t}.id`;
  if (ranksByRelevance(query)) return sql`${t}.rank desc, ${t}.start_date desc nulls last, ${t}.id`;
  return sql`${t}.start_date desc nulls last, ${t}.id`;
}

interface SearchRow {
  total: number;
  activities: Array<Omit<PublicActivity, 'organisation'> & { orgSlug: string; orgName: string }>;
  facets: Array<{ facet: FacetName; value: string; count: number }> | null;
}

/**
 * One statement: the match set is materialised once, then the page, the total and every facet are
 * read from it (the scalar facets in one pass with grouping sets, each array facet by unnest).
 */
function searchStatement(query: CatalogueQuery, pageSize: number, offset: number): SQL {
  const source = query.q ? sql`tracer_published_activity_matches(${searchQuery(query.q)}) a` : sql`activities a`;
  const rank = ranksByRelevance(query) ? sql`a.rank` : sql`0::real`;
  return sql`
    with matched as materialized (
      select a.org_id, a.id, a.title, a.start_date, extract(year from a.start_date)::int::text as year, a.themes, a.modality,
             a.languages, a.region, a.country, a.fee_type, a.status, a.target_groups, ${rank} as rank
        from ${source}
       where ${activityConditions(query)}
    ),
    page as (
      select m.org_id, m.id, m.title, m.start_date, m.rank
        from matched m order by ${orderBy(query, 'm')} limit ${pageSize} offset ${offset}
    ),
    scalar_facets as (
      select case when grouping(m.modality) = 0 then 'modality' when grouping(m.region) = 0 then 'region'
                  when grouping(m.country) = 0 then 'country' when grouping(m.year) = 0 then 'year'
                  when grouping(m.fee_type) = 0 then 'fee_type' else 'status' end as facet,
             coalesce(m.modality::text, m.region, m.country, m.year, m.fee_type::text, m.status::text) as value,
             count(*)::int as count
        from matched m
       group by grouping sets ((m.modality), (m.region), (m.country), (m.year), (m.fee_type), (m.status))
    ),
    facet_values as (
      select facet, value, count from scalar_facets where value is not null
      union all select 'theme', value, count(*)::int from (select unnest(themes) as value from matched) x group by value
      union all select 'language', value, count(*)::int from (select unnest(languages) as value from matched) x group by value
      union all select 'target_group', value, count(*)::int from (select unnest(target_groups) as value from matched) x group by value
    )
    select (select count(*)::int from matched) as total,
           (select coalesce(json_agg(json_build_object(
                     'id', a.id, 'orgSlug', o.slug, 'orgName', o.name, 'code', a.code, 'title', a.title,
                     'description', a.description, 'themes', a.themes, 'modality', a.modality, 'languages', a.languages,
                     'startDate', a.start_date::text, 'endDate', a.end_date::text, 'country', a.country, 'city', a.city,
                     'region', a.region, 'feeType', a.fee_type, 'isOpen', a.is_open, 'targetGroups', a.target_groups,
                     'programme', a.programme, 'status', a.status) order by ${orderBy(query, 'p')}), '[]'::json)
              from page p join activities a on a.org_id = p.org_id and a.id = p.id join organisations o on o.id = a.org_id) as activities,
           (select json_agg(json_build_object('facet', facet, 'value', value, 'count', count)) from facet_values) as facets`;
}

function decodeJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export async function searchCatalogue(tx: Tx, query: CatalogueQuery): Promise<CatalogueResults> {
  const page = Math.max(1, query.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, query.pageSize ?? 20));
  const [row] = await rows<SearchRow>(tx, searchStatement(query, pageSize, (page - 1) * pageSize));
  const facets = Object.fromEntries(facetNames.map((name) => [name, [] as FacetCount[]])) as Record<FacetName, FacetCount[]>;
  for (const { facet, value, count } of decodeJson(row!.facets) ?? []) facets[facet].push({ value, count });
  for (const list of Object.values(facets)) list.sort((x, y) => y.count - x.count || x.value.localeCompare(y.value));
  const { resources, resourceTotal } = await searchResources(tx, query);
  return {
    total: row!.total,
    page,
    pageSize,
    activities: decodeJson(row!.activities).map(({ orgSlug, orgName, ...activity }) => ({ ...activity, organisation: { slug: orgSlug, name: orgName } })),
    facets,
    resources,
    resourceTotal,
  };
}

/** The first ten matching resources and their total, read like the activities: match set first, rows of the page after. */
async function searchResources(tx: Tx, query: CatalogueQuery): Promise<{ resources: PublicResource[]; resourceTotal: number }> {
  const conditions: SQL[] = [query.q ? sql`true` : sql`r.published`];
  if (query.org) conditions.push(sql`r.org_id = (select id from organisations where slug = ${query.org})`);
  if (query.theme) conditions.push(sql`r.themes @> array[${query.theme}]::text[]`);
  if (query.language) conditions.push(sql`r.languages @> array[${query.language}]::text[]`);
  const source = query.q ? sql`tracer_published_resource_matches(${searchQuery(query.q)}) r` : sql`resources r`;
  const found = await rows<Omit<PublicResource, 'organisation'> & { orgSlug: string; orgName: string; total: number }>(
    tx,
    sql`with matched as materialized (
          select r.org_id, r.id, r.title, ${query.q ? sql`r.rank` : sql`0::real`} as rank from ${source} where ${sql.join(conditions, sql` and `)}
        )
        select r.id, o.slug as "orgSlug", o.name as "orgName", r.title, r.description, r.type, r.languages, r.licence, r.url,
               r.themes, r.open_access as "openAccess", (select count(*)::int from matched) as total
          from (select * from matched order by rank desc, title, id limit 10) m
          join resources r on r.org_id = m.org_id and r.id = m.id
          join organisations o on o.id = r.org_id
         order by m.rank desc, m.title, m.id`,
  );
  return {
    resourceTotal: found[0]?.total ?? 0,
    resources: found.map(({ orgSlug, orgName, total: _total, ...resource }) => ({ ...resource, organisation: { slug: orgSlug, name: orgName } })),
  };
}
