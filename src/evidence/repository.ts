// Every query of the evidence domain. Text answers are read where the responses domain writes
// them (`answers`, one row per answer), joined to the activity (year it ended, programme,
// modality) and to the participant's inclusion data (gender, region, constituent group) — never
// to personal data. Counts and rating aggregates are computed here, in SQL.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';
import { evidenceCodes, evidenceCodings, evidenceQuotes, trainerLinks } from './schema.ts';

export interface TextFilter {
  /** Full-text query, stemmed in English, French and Spanish, accents ignored. */
  q?: string;
  /** The year the activity ended. */
  year?: number;
  /** The activity ended in one of these years (inclusive); a report's period. */
  years?: { from: number; to: number };
  programme?: string;
  activityId?: string;
  modality?: string;
  gender?: string;
  region?: string;
  constituentGroup?: string;
  instrumentId?: string;
  question?: string;
  /** A code of the codebook, or `uncoded` for texts without any code. */
  code?: string;
  quotesOnly?: boolean;
}

export const UNCODED = 'uncoded';

export interface TextRow {
  responseId: string;
  position: number;
  questionKey: string;
  text: string;
  lang: string | null;
  instrumentId: string;
  instrumentKey: string;
  activityId: string | null;
  activityCode: string | null;
  activityTitle: string | null;
  programme: string | null;
  modality: string | null;
  year: number | null;
  gender: string | null;
  region: string | null;
  constituentGroup: string | null;
  submittedAt: string | null;
  quote: boolean;
  codes: Array<{ code: string; codedBy: string | null; codedAt: string }>;
}

/** The text questions of every instrument: keys of questions of type `text` in any published version. */
const textQuestions = sql`select distinct v.instrument_id, q->>'key' as key
    from instrument_versions v
    cross join lateral jsonb_array_elements(v.definition->'pages') pg
    cross join lateral jsonb_array_elements(pg->'questions') q
   where q->>'type' = 'text'`;

function conditions(filter: TextFilter): SQL {
  const where: SQL[] = [sql`an.text_value is not null`, sql`btrim(an.text_value) <> ''`];
  if (filter.q) where.push(sql`tracer_search_vector(an.text_value) @@ (select tracer_search_query(${filter.q}))`);
  if (filter.year !== undefined) where.push(sql`extract(year from act.end_date)::int = ${filter.year}`);
  if (filter.years) where.push(sql`extract(year from act.end_date)::int between ${filter.years.from} and ${filter.years.to}`);
  if (filter.programme) where.push(sql`act.programme = ${filter.programme}`);
  if (filter.activityId) where.push(sql`an.activity_id = ${filter.activityId}`);
  if (filter.modality) where.push(sql`act.modality::text = ${filter.modality}`);
  if (filter.gender) where.push(sql`p.gender::text = ${filter.gender}`);
  if (filter.region) where.push(sql`p.region = ${filter.region}`);
  if (filter.constituentGroup) where.push(sql`p.constituent_group::text = ${filter.constituentGroup}`);
  if (filter.instrumentId) where.push(sql`an.instrument_id = ${filter.instrumentId}`);
  if (filter.question) where.push(sql`an.question_key = ${filter.question}`);
  if (filter.code === UNCODED) {
    where.push(sql`not exists (select 1 from evidence_codings c where c.org_id = an.org_id and c.response_id = an.response_id and c.position = an.position)`);
  } else if (filter.code) {
    where.push(sql`exists (select 1 from evidence_codings c where c.org_id = an.org_id and c.response_id = an.response_id and c.position = an.position and c.code = ${filter.code})`);
  }
  if (filter.quotesOnly) {
    where.push(sql`exists (select 1 from evidence_quotes eq where eq.org_id = an.org_id and eq.response_id = an.response_id and eq.position = an.position)`);
  }
  return sql.join(where, sql` and `);
}

/** The evidence texts matching `filter`, as a subquery with the dimensions each filter reads. */
function matchingTexts(filter: TextFilter): SQL {
  return sql`select an.org_id, an.response_id, an.position, an.question_key, an.text_value, an.instrument_id, an.activity_id,
                    act.end_date, p.gender, p.region, p.constituent_group,
                    ${filter.q ? sql`ts_rank(tracer_search_vector(an.text_value), (select tracer_search_query(${filter.q})))` : sql`0::real`} as rank
               from answers an
               join (${textQuestions}) tq on tq.instrument_id = an.instrument_id and tq.key = an.question_key
               join responses r on r.org_id = an.org_id and r.id = an.response_id
               left join activities act on act.org_id = an.org_id and act.id = an.activity_id
               left join participants p on p.org_id = r.org_id and p.id = r.participant_id
              where ${conditions(filter)}`;
}

const textColumns = sql`m.response_id as "responseId", m.position, m.question_key as "questionKey", m.text_value as text, r.lang,
       m.instrument_id as "instrumentId", i.key as "instrumentKey", m.activity_id as "activityId", act.code as "activityCode",
       act.title as "activityTitle", act.programme, act.modality::text as modality, extract(year from m.end_date)::int as year,
       m.gender::text as gender, m.region, m.constituent_group::text as "constituentGroup", r.submitted_at::text as "submittedAt",
       exists (select 1 from evidence_quotes eq where eq.org_id = m.org_id and eq.response_id = m.response_id and eq.position = m.position) as quote,
       (select coalesce(json_agg(json_build_object('code', c.code, 'codedBy', u.display_name, 'codedAt', c.coded_at) order by c.code), '[]'::json)
          from evidence_codings c left join users u on u.id = c.coded_by
         where c.org_id = m.org_id and c.response_id = m.response_id and c.position = m.position) as codes`;

const textJoins = sql`join responses r on r.org_id = m.org_id and r.id = m.response_id
  join instruments i on i.org_id = m.org_id and i.id = m.instrument_id
  left join activities act on act.org_id = m.org_id and act.id = m.activity_id`;

function decode<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function normaliseText(row: TextRow): TextRow {
  return { ...row, codes: decode(row.codes) };
}

/** One page of texts, best match first when searching, else latest activity first. */
export async function findTexts(tx: Tx, filter: TextFilter, limit: number, offset: number): Promise<{ total: number; texts: TextRow[] }> {
  const order = filter.q ? sql`m.rank desc, m.end_date desc nulls last, m.response_id, m.position` : sql`m.end_date desc nulls last, m.response_id, m.position`;
  const found = await rows<TextRow & { total: number }>(
    tx,
    sql`with matched as materialized (${matchingTexts(filter)})
        select ${textColumns}, (select count(*)::int from matched) as total
          from (select * from matched m order by ${order} limit ${limit} offset ${offset}) m ${textJoins}
         order by ${order}`,
  );
  if (found.length === 0 && offset > 0) {
    const [count] = await rows<{ total: number }>(tx, sql`select count(*)::int as total from (${matchingTexts(filter)}) m`);
    return { total: count!.total, texts: [] };
  }
  return { total: found[0]?.total ?? 0, texts: found.map(({ total: _total, ...row }) => normaliseText(row)) };
}

/** Every matching text (for exports), in a stable order. */
export async function allTexts(tx: Tx, filter: TextFilter): Promise<TextRow[]> {
  const found = await rows<TextRow>(
    tx,
    sql`select ${textColumns} from (${matchingTexts(filter)}) m ${textJoins} order by m.end_date nulls last, m.response_id, m.position`,
  );
  return found.map(normaliseText);
}

/** One text answer, if it is an evidence text (a text question's answer). */
export async function findText(tx: Tx, responseId: string, position: number): Promise<TextRow | undefined> {
  const [found] = await rows<TextRow>(
    tx,
    sql`select ${textColumns} from (${matchingTexts({})}) m ${textJoins}
         where m.response_id = ${responseId} and m.position = ${position}`,
  );
  return found ? normaliseText(found) : undefined;
}

export interface CodeCountRow {
  year: number | null;
  code: string;
  texts: number;
}

/**
 * Texts per code per year (the year the activity ended), over the texts matching `filter`; plus,
 * under the code `*`, all matching texts of the year (coded or not), the denominator.
 */
export async function countCodesByYear(tx: Tx, filter: TextFilter): Promise<CodeCountRow[]> {
  return rows<CodeCountRow>(
    tx,
    sql`with matched as materialized (${matchingTexts(filter)})
        select extract(year from m.end_date)::int as year, c.code, count(*)::int as texts
          from matched m join evidence_codings c on c.org_id = m.org_id and c.response_id = m.response_id and c.position = m.position
         group by 1, 2
        union all
        select extract(year from m.end_date)::int as year, '*' as code, count(*)::int as texts from matched m group by 1
        order by 1 nulls last, 2`,
  );
}

export interface FilterOptions {
  years: number[];
  programmes: string[];
  activities: Array<{ id: string; code: string; title: string }>;
  instruments: Array<{ id: string; key: string }>;
  questions: string[];
}

/** The values the filters can take, from the data. */
export async function filterOptions(tx: Tx): Promise<FilterOptions> {
  const [found] = await rows<{ [K in keyof FilterOptions]: FilterOptions[K] | string }>(
    tx,
    sql`select
          (select coalesce(json_agg(y order by y desc), '[]'::json) from (select distinct extract(year from end_date)::int as y from activities where end_date is not null) x) as years,
          (select coalesce(json_agg(pr order by pr), '[]'::json) from (select distinct programme as pr from activities where programme is not null) x) as programmes,
          (select coalesce(json_agg(json_build_object('id', id, 'code', code, 'title', title) order by code), '[]'::json) from activities) as activities,
          (select coalesce(json_agg(json_build_object('id', i.id, 'key', i.key) order by i.key), '[]'::json)
             from instruments i where exists (select 1 from (${textQuestions}) tq where tq.instrument_id = i.id)) as instruments,
          (select coalesce(json_agg(distinct tq.key), '[]'::json) from (${textQuestions}) tq) as questions`,
  );
  return {
    years: decode(found!.years) as number[],
    programmes: decode(found!.programmes) as string[],
    activities: decode(found!.activities) as FilterOptions['activities'],
    instruments: decode(found!.instruments) as FilterOptions['instruments'],
    questions: (decode(found!.questions) as string[]).sort(),
  };
}

// ---------------------------------------------------------------- codebook

export type OrgCodeRow = typeof evidenceCodes.$inferSelect;

export async function orgCodes(tx: Tx): Promise<OrgCodeRow[]> {
  return tx.select().from(evidenceCodes).orderBy(evidenceCodes.code);
}

export async function insertOrgCode(tx: Tx, values: { code: string; labelEn: string; labelFr: string; labelEs: string; createdBy: string | null }): Promise<boolean> {
  const inserted = await tx
    .insert(evidenceCodes)
    .values({ ...values, orgId: sql`tracer_current_org()` })
    .onConflictDoNothing()
    .returning({ code: evidenceCodes.code });
  return inserted.length > 0;
}

/** Deletes an organisation code unless a text carries it; returns what happened. */
export async function deleteOrgCode(tx: Tx, code: string): Promise<'deleted' | 'in_use' | 'not_found'> {
  const [used] = await rows<{ used: boolean }>(tx, sql`select exists (select 1 from evidence_codings where code = ${code}) as used`);
  if (used!.used) return 'in_use';
  const deleted = await tx.delete(evidenceCodes).where(eq(evidenceCodes.code, code)).returning({ code: evidenceCodes.code });
  return deleted.length > 0 ? 'deleted' : 'not_found';
}

// ---------------------------------------------------------------- coding

/** Makes `codes` the codes of a text: removes the others, adds the new ones (keeping who coded the kept ones, and when). */
export async function replaceCodings(tx: Tx, text: { responseId: string; position: number }, codes: string[], userId: string): Promise<void> {
  const { responseId, position } = text;
  const kept = codes.length === 0 ? sql`` : sql` and code not in (${sql.join(codes.map((code) => sql`${code}`), sql`, `)})`;
  await tx.execute(sql`delete from evidence_codings where response_id = ${responseId} and position = ${position}${kept}`);
  if (codes.length === 0) return;
  await tx
    .insert(evidenceCodings)
    .values(codes.map((code) => ({ orgId: sql`tracer_current_org()`, responseId, position, code, codedBy: userId })))
    .onConflictDoNothing();
}

export async function setQuote(tx: Tx, text: { responseId: string; position: number }, quote: boolean, userId: string): Promise<void> {
  const { responseId, position } = text;
  if (quote) {
    await tx.insert(evidenceQuotes).values({ orgId: sql`tracer_current_org()`, responseId, position, selectedBy: userId }).onConflictDoNothing();
  } else {
    await tx.delete(evidenceQuotes).where(and(eq(evidenceQuotes.responseId, responseId), eq(evidenceQuotes.position, position)));
  }
}

// ---------------------------------------------------------------- trainer ratings

export const TRAINER_RATING_QUESTION = 'eoa_trainer_rating';

export interface RatingFilter {
  year?: number;
  activityId?: string;
  resourcePersonId?: string;
}

/** Whose ratings a query may read: everyone's, or one resource person's only (a trainer's own). */
export type RatingScope = { kind: 'all' } | { kind: 'resource_person'; participantId: string } | { kind: 'none' };

export interface RatingAggregateRow {
  grouping: 'activity' | 'year';
  resourcePersonId: string;
  resourcePersonCode: string;
  activityId: string | null;
  activityCode: string | null;
  activityTitle: string | null;
  year: number | null;
  n: number;
  sum: number;
  sumOfSquares: number;
  missing: number;
}

/**
 * The aggregate contract of analytics/statistics.ts for mean cells, per resource person and
 * activity and per resource person and year (the year the activity ended), in one statement.
 * The scope is part of the WHERE clause: a trainer's query cannot return anyone else's rows.
 */
export async function ratingAggregates(tx: Tx, scope: RatingScope, filter: RatingFilter): Promise<RatingAggregateRow[]> {
  if (scope.kind === 'none') return [];
  const where: SQL[] = [sql`an.question_key = ${TRAINER_RATING_QUESTION}`, sql`an.resource_person_id is not null`];
  if (scope.kind === 'resource_person') where.push(sql`an.resource_person_id = ${scope.participantId}`);
  if (filter.resourcePersonId) where.push(sql`an.resource_person_id = ${filter.resourcePersonId}`);
  if (filter.activityId) where.push(sql`an.activity_id = ${filter.activityId}`);
  if (filter.year !== undefined) where.push(sql`extract(year from act.end_date)::int = ${filter.year}`);
  return rows<RatingAggregateRow>(
    tx,
    sql`with cells as (
          select an.resource_person_id, an.activity_id, extract(year from act.end_date)::int as year,
                 grouping(an.activity_id) as by_year,
                 count(an.numeric_value)::int as n, coalesce(sum(an.numeric_value), 0)::float8 as sum,
                 coalesce(sum(an.numeric_value * an.numeric_value), 0)::float8 as sum_of_squares,
                 count(*) filter (where an.numeric_value is null)::int as missing
            from answers an
            left join activities act on act.org_id = an.org_id and act.id = an.activity_id
           where ${sql.join(where, sql` and `)}
           group by grouping sets ((an.resource_person_id, an.activity_id, extract(year from act.end_date)::int),
                                   (an.resource_person_id, extract(year from act.end_date)::int))
        )
        select case when c.by_year = 1 then 'year' else 'activity' end as grouping,
               c.resource_person_id as "resourcePersonId", p.code as "resourcePersonCode",
               c.activity_id as "activityId", act.code as "activityCode", act.title as "activityTitle", c.year,
               c.n, c.sum, c.sum_of_squares as "sumOfSquares", c.missing
          from cells c
          join participants p on p.org_id = tracer_current_org() and p.id = c.resource_person_id
          left join activities act on act.org_id = tracer_current_org() and act.id = c.activity_id
         order by p.code, c.resource_person_id, c.by_year, c.year nulls last, act.code`,
  );
}

export interface TrainerLinkRow {
  userId: string;
  userName: string;
  userEmail: string;
  participantId: string | null;
  participantCode: string | null;
}

/** Members with the trainer role and the resource person each is linked to, if any. */
export async function trainerLinkRows(tx: Tx): Promise<TrainerLinkRow[]> {
  return rows<TrainerLinkRow>(
    tx,
    sql`select u.id as "userId", u.display_name as "userName", u.email as "userEmail", l.participant_id as "participantId", p.code as "participantCode"
          from memberships m join users u on u.id = m.user_id
          left join trainer_links l on l.org_id = m.org_id and l.user_id = m.user_id
          left join participants p on p.org_id = l.org_id and p.id = l.participant_id
         where m.role = 'trainer'
         order by u.display_name, u.id`,
  );
}

export async function linkedResourcePerson(tx: Tx, userId: string): Promise<string | undefined> {
  const [found] = await tx.select({ participantId: trainerLinks.participantId }).from(trainerLinks).where(eq(trainerLinks.userId, userId));
  return found?.participantId;
}

/** Resource persons: participants enrolled in some activity as resource person (pseudonymous codes only). */
export async function resourcePersons(tx: Tx): Promise<Array<{ id: string; code: string }>> {
  return rows(
    tx,
    sql`select p.id, p.code from participants p
         where exists (select 1 from enrolments e where e.org_id = p.org_id and e.participant_id = p.id and e.role = 'resource_person')
         order by p.code`,
  );
}

export async function isMemberWithRole(tx: Tx, userId: string, role: string): Promise<boolean> {
  const [found] = await rows<{ ok: boolean }>(tx, sql`select exists (select 1 from memberships where user_id = ${userId} and role = ${role}::member_role) as ok`);
  return found!.ok;
}

export async function isResourcePerson(tx: Tx, participantId: string): Promise<boolean> {
  const [found] = await rows<{ ok: boolean }>(
    tx,
    sql`select exists (select 1 from enrolments where participant_id = ${participantId} and role = 'resource_person') as ok`,
  );
  return found!.ok;
}

export async function upsertTrainerLink(tx: Tx, userId: string, participantId: string, linkedBy: string | null): Promise<void> {
  await tx.execute(sql`delete from trainer_links where participant_id = ${participantId} and user_id <> ${userId}`);
  await tx
    .insert(trainerLinks)
    .values({ orgId: sql`tracer_current_org()`, userId, participantId, linkedBy })
    .onConflictDoUpdate({ target: [trainerLinks.orgId, trainerLinks.userId], set: { participantId, linkedBy, linkedAt: sql`now()` } });
}

export async function deleteTrainerLink(tx: Tx, userId: string): Promise<boolean> {
  return (await tx.delete(trainerLinks).where(eq(trainerLinks.userId, userId)).returning({ userId: trainerLinks.userId })).length > 0;
}

// ---------------------------------------------------------------- demo

export interface DemoCodingCandidate {
  responseId: string;
  position: number;
  questionKey: string;
  text: string;
  /** The tangible changes the same respondent ticked in the same response (follow-up), without "none". */
  tangible: string[];
}

/** Every evidence text in a deterministic order (activity, participant code, submission time, text). */
export async function demoCodingCandidates(tx: Tx): Promise<DemoCodingCandidate[]> {
  return rows<DemoCodingCandidate>(
    tx,
    sql`select m.response_id as "responseId", m.position, m.question_key as "questionKey", m.text_value as text,
               coalesce((select array_agg(t.choice_code order by t.choice_code) from answers t
                          where t.org_id = m.org_id and t.response_id = m.response_id and t.question_key = 'fu_tangible_change'
                            and t.choice_code <> 'none'), '{}') as tangible
          from (${matchingTexts({})}) m
          join responses r on r.org_id = m.org_id and r.id = m.response_id
          left join activities act on act.org_id = m.org_id and act.id = m.activity_id
          left join participants p on p.org_id = r.org_id and p.id = r.participant_id
         order by act.code nulls last, p.code nulls last, r.submitted_at, m.text_value, m.question_key`,
  );
}

export async function insertCodings(tx: Tx, codings: Array<{ responseId: string; position: number; code: string }>, userId: string | null): Promise<void> {
  for (let start = 0; start < codings.length; start += 1000) {
    await tx
      .insert(evidenceCodings)
      .values(codings.slice(start, start + 1000).map((c) => ({ ...c, orgId: sql`tracer_current_org()`, codedBy: userId })))
      .onConflictDoNothing();
  }
}

export async function insertQuotes(tx: Tx, quotes: Array<{ responseId: string; position: number }>, userId: string | null): Promise<void> {
  for (let start = 0; start < quotes.length; start += 1000) {
    await tx
      .insert(evidenceQuotes)
      .values(quotes.slice(start, start + 1000).map((q) => ({ ...q, orgId: sql`tracer_current_org()`, selectedBy: userId })))
      .onConflictDoNothing();
  }
}

/** The resource person with the most ratings (ties: lowest code), for the demo trainer account. */
export async function mostRatedResourcePerson(tx: Tx): Promise<string | undefined> {
  const [found] = await rows<{ id: string }>(
    tx,
    sql`select an.resource_person_id as id from answers an join participants p on p.org_id = an.org_id and p.id = an.resource_person_id
         where an.question_key = ${TRAINER_RATING_QUESTION}
         group by an.resource_person_id, p.code order by count(*) desc, p.code limit 1`,
  );
  return found?.id;
}
