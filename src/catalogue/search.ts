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

// Activities are searched in `catalogue_activity_search` (schema.ts): one narrow row per published
// activity, kept by a trigger, holding only public values. Its rows need no filter for the public
// role, so `@@` on the search vector and `@>` on the facet keys use their GIN indexes together.
// The tsquery is computed once per statement (an init plan), not once per row: tracer_search_query
// runs three parsers and stemmers.
function searchQuery(q: string): SQL {
  return sql`(select tracer_search_query(${q}))`;
}

/** The facet keys (`facet:value`, as the trigger writes them) that every matched activity must carry. */
function requiredFacetKeys(query: CatalogueQuery): string[] {
  const values: Array<[FacetName, string | number | undefined]> = [
    ['theme', query.theme], ['modality', query.modality], ['language', query.language], ['region', query.region],
    ['country', query.country], ['year', query.year], ['fee_type', query.feeType], ['status', query.status], ['target_group', query.targetGroup],
  ];
  return values.filter(([, value]) => value !== undefined && value !== '').map(([facet, value]) => `${facet}:${value}`);
}

function organisationCondition(column: SQL, slug: string): SQL {
  return sql`${column} = (select id from organisations where slug = ${slug})`;
}

/** Conditions over `s`, the search projection. */
function activityConditions(query: CatalogueQuery): SQL {
  const conditions: SQL[] = [sql`true`];
  if (query.q) conditions.push(sql`s.search_vector @@ ${searchQuery(query.q)}`);
  if (query.org) conditions.push(organisationCondition(sql`s.org_id`, query.org));
  const keys = requiredFacetKeys(query);
  if (keys.length > 0) conditions.push(sql`s.facets @> array[${sql.join(keys.map((key) => sql`${key}`), sql`, `)}]::text[]`);
  if (query.when === 'upcoming') conditions.push(sql`s.last_date >= current_date`);
  if (query.when === 'past') conditions.push(sql`s.last_date < current_date`);
  return sql.join(conditions, sql` and `);
}

/** Browsing the whole catalogue, or one organisation's, all of it or one period, reads the counts the trigger keeps. */
function readsStoredCounts(query: CatalogueQuery): boolean {
  return !query.q && requiredFacetKeys(query).length === 0;
}

/**
 * Counts per facet key (and `total`) of the published activities, of one organisation when asked,
 * ending in the period asked. A period adds the stored counts of the whole years and the months of the
 * current year on its side of the current month, and counts the current month's activities live (a few
 * hundred rows at most, from the last-date index): exact whatever today's date is.
 */
function storedCounts(query: CatalogueQuery): SQL {
  const org = (column: SQL) => (query.org ? organisationCondition(column, query.org) : sql`true`);
  if (!query.when) {
    return sql`select facet_key as key, sum(activities)::int as count from catalogue_facet_counts c where ${org(sql`c.org_id`)} group by facet_key`;
  }
  const year = sql`extract(year from current_date)::int`;
  const month = sql`extract(month from current_date)::int`;
  const monthStart = sql`(current_date - (extract(day from current_date)::int - 1))`;
  const [storedPeriods, currentMonth] =
    query.when === 'past'
      ? [sql`(c.month = 0 and c.year < ${year}) or (c.year = ${year} and c.month between 1 and ${month} - 1)`,
         sql`s.last_date >= ${monthStart} and s.last_date < current_date`]
      : [sql`(c.month = 0 and c.year > ${year}) or (c.year = ${year} and c.month > ${month})`,
         sql`s.last_date >= current_date and s.last_date < (${monthStart} + interval '1 month')::date`];
  return sql`
    select key, sum(count)::int as count from (
      select c.facet_key as key, c.activities as count from catalogue_facet_period_counts c where ${org(sql`c.org_id`)} and (${storedPeriods})
      union all
      select key, 1 from catalogue_activity_search s, unnest(s.facets || 'total'::text) key where ${org(sql`s.org_id`)} and ${currentMonth}
    ) periods group by key`;
}

function ranksByRelevance(query: CatalogueQuery): query is CatalogueQuery & { q: string } {
  return Boolean(query.q) && (query.sort ?? 'relevance') === 'relevance';
}

/** Order over rows aliased `alias` that carry activity_id, title, start_date and rank. */
function orderBy(query: CatalogueQuery, alias: 'm' | 'p' | 's'): SQL {
  const t = sql.raw(alias);
  if ((query.sort ?? (query.q ? 'relevance' : 'start_date')) === 'title') return sql`${t}.title, ${t}.activity_id`;
  if (ranksByRelevance(query)) return sql`${t}.rank desc, ${t}.start_date desc nulls last, ${t}.activity_id`;
  return sql`${t}.start_date desc nulls last, ${t}.activity_id`;
}

interface SearchRow {
  total: number;
  activities: Array<Omit<PublicActivity, 'organisation'> & { orgSlug: string; orgName: string }>;
  facets: Array<{ key: string; count: number }> | null;
}

/** The public columns of the page's activities, in page order, as one JSON array. */
function pageActivities(query: CatalogueQuery): SQL {
  return sql`(select coalesce(json_agg(json_build_object(
                'id', a.id, 'orgSlug', o.slug, 'orgName', o.name, 'code', a.code, 'title', a.title,
                'description', a.description, 'themes', a.themes, 'modality', a.modality, 'languages', a.languages,
                'startDate', a.start_date::text, 'endDate', a.end_date::text, 'country', a.country, 'city', a.city,
                'region', a.region, 'feeType', a.fee_type, 'isOpen', a.is_open, 'targetGroups', a.target_groups,
                'programme', a.programme, 'status', a.status) order by ${orderBy(query, 'p')}), '[]'::json)
              from page p join activities a on a.org_id = p.org_id and a.id = p.activity_id join organisations o on o.id = a.org_id)`;
}

/**
 * One statement. With words or filters: the matched rows are materialised once, then the page, the
 * total and every facet are read from them (the facets in one unnest of their keys). Without: the page
 * comes straight from an index and the counts from `catalogue_facet_counts`, or for a period from
 * `catalogue_facet_period_counts` plus the current month's activities counted live.
 */
function searchStatement(query: CatalogueQuery, pageSize: number, offset: number): SQL {
  if (readsStoredCounts(query)) {
    return sql`
      with facet_counts as (${storedCounts(query)}),
      page as (
        select s.org_id, s.activity_id, s.title, s.start_date, 0::real as rank
          from catalogue_activity_search s where ${activityConditions(query)}
         order by ${orderBy(query, 's')} limit ${pageSize} offset ${offset}
      )
      select coalesce((select count from facet_counts where key = 'total'), 0) as total, ${pageActivities(query)} as activities,
             (select json_agg(json_build_object('key', key, 'count', count)) from facet_counts where key <> 'total' and count > 0) as facets`;
  }
  const rank = ranksByRelevance(query) ? sql`ts_rank(s.rank_vector, ${searchQuery(query.q)})` : sql`0::real`;
  return sql`
    with matched as materialized (
      select s.org_id, s.activity_id, s.title, s.start_date, s.facets, ${rank} as rank
        from catalogue_activity_search s
       where ${activityConditions(query)}
    ),
    page as (
      select m.org_id, m.activity_id, m.title, m.start_date, m.rank
        from matched m order by ${orderBy(query, 'm')} limit ${pageSize} offset ${offset}
    ),
    facet_counts as (
      select key, count(*)::int as count from (select unnest(m.facets) as key from matched m) keys group by key
    )
    select (select count(*)::int from matched) as total, ${pageActivities(query)} as activities,
           (select json_agg(json_build_object('key', key, 'count', count)) from facet_counts) as facets`;
}

/** `theme:social_dialogue` → ['theme', 'social_dialogue'], for the facets the page shows. */
function splitFacetKey(key: string): [FacetName, string] | undefined {
  const colon = key.indexOf(':');
  const facet = key.slice(0, colon) as FacetName;
  return colon > 0 && facetNames.includes(facet) ? [facet, key.slice(colon + 1)] : undefined;
}

function decodeJson<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export async function searchCatalogue(tx: Tx, query: CatalogueQuery): Promise<CatalogueResults> {
  const page = Math.max(1, query.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, query.pageSize ?? 20));
  // The matched rows of a broad query (tens of thousands) are held once for the page and the counts;
  // at the default 4 MB they would spill to a temporary file.
  await tx.execute(sql`select set_config('work_mem', '32MB', true)`);
  const [row] = await rows<SearchRow>(tx, searchStatement(query, pageSize, (page - 1) * pageSize));
  const facets = Object.fromEntries(facetNames.map((name) => [name, [] as FacetCount[]])) as Record<FacetName, FacetCount[]>;
  for (const { key, count } of decodeJson(row!.facets) ?? []) {
    const [facet, value] = splitFacetKey(key) ?? [];
    if (facet && value !== undefined) facets[facet].push({ value, count });
  }
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

/** The first ten matching resources and their total. */
async function searchResources(tx: Tx, query: CatalogueQuery): Promise<{ resources: PublicResource[]; resourceTotal: number }> {
  const conditions: SQL[] = [query.q ? sql`true` : sql`r.published`];
  if (query.org) conditions.push(sql`r.org_id = (select id from organisations where slug = ${query.org})`);
  if (query.theme) conditions.push(sql`r.themes @> array[${query.theme}]::text[]`);
  if (query.language) conditions.push(sql`r.languages @> array[${query.language}]::text[]`);
  const where = sql.join(conditions, sql` and `);
  const columns = sql`r.id, o.slug as "orgSlug", o.name as "orgName", r.title, r.description, r.type, r.languages, r.licence, r.url,
                      r.themes, r.open_access as "openAccess"`;
  // Without words the first ten come from resources_published_title_idx in title order; holding every
  // published resource to sort them would cost more than the activities' whole browse.
  const statement = query.q
    ? sql`with matched as materialized (
            select r.org_id, r.id, r.title, r.rank from tracer_published_resource_matches(${searchQuery(query.q)}) r where ${where}
          )
          select ${columns}, (select count(*)::int from matched) as total
            from (select * from matched order by rank desc, title, id limit 10) m
            join resources r on r.org_id = m.org_id and r.id = m.id
            join organisations o on o.id = r.org_id
           order by m.rank desc, m.title, m.id`
    : sql`select ${columns}, (select count(*)::int from resources r where ${where}) as total
            from resources r join organisations o on o.id = r.org_id
           where ${where} order by r.title, r.id limit 10`;
  const found = await rows<Omit<PublicResource, 'organisation'> & { orgSlug: string; orgName: string; total: number }>(tx, statement);
  return {
    resourceTotal: found[0]?.total ?? 0,
    resources: found.map(({ orgSlug, orgName, total: _total, ...resource }) => ({ ...resource, organisation: { slug: orgSlug, name: orgName } })),
  };
}
