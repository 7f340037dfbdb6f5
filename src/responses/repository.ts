// Every query of the responses domain.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { copyInto, preparedRows, rows, type Queryable, type Tx } from '../db/database.ts';
import type { Purpose, ResponseData } from '../instruments/model.ts';
import { instrumentVersions } from '../instruments/schema.ts';
import type { AnswerRow } from './answers.ts';
import { answers, responses, type ResponseStatus } from './schema.ts';

export type ResponseRow = typeof responses.$inferSelect;

export async function findByClientSubmissionId(tx: Queryable, clientSubmissionId: string): Promise<ResponseRow | undefined> {
  const [row] = await tx.select().from(responses).where(eq(responses.clientSubmissionId, clientSubmissionId));
  return row;
}

export async function findResponse(tx: Queryable, id: string): Promise<ResponseRow | undefined> {
  const [row] = await tx.select().from(responses).where(eq(responses.id, id));
  return row;
}

export interface ResponseWrite {
  clientSubmissionId: string;
  instrumentId: string;
  instrumentVersionId: string;
  collectionLinkId: string | null;
  activityId: string | null;
  participantId: string | null;
  status: ResponseStatus;
  lang: string | null;
  data: ResponseData;
  source: 'web' | 'import';
  score: number | null;
  maxScore: number | null;
}

/**
 * Inserts or updates the response of `clientSubmissionId`, unless it is complete already
 * (then nothing is written and undefined is returned: a final submit locks the response).
 */
export async function upsertResponse(tx: Tx, write: ResponseWrite): Promise<ResponseRow | undefined> {
  const submittedAt = write.status === 'complete' ? sql`now()` : null;
  const [row] = await tx
    .insert(responses)
    .values({ ...write, orgId: sql`tracer_current_org()`, submittedAt })
    .onConflictDoUpdate({
      target: [responses.orgId, responses.clientSubmissionId],
      set: { data: write.data, status: write.status, lang: write.lang, submittedAt, score: write.score, maxScore: write.maxScore },
      setWhere: sql`${responses.status} = 'partial' and ${responses.instrumentVersionId} = ${write.instrumentVersionId}`,
    })
    .returning();
  return row;
}

const responseColumns = sql.raw(
  `org_id as "orgId", id, instrument_id as "instrumentId", instrument_version_id as "instrumentVersionId", activity_id as "activityId",
   participant_id as "participantId", collection_link_id as "collectionLinkId", status, started_at as "startedAt",
   submitted_at as "submittedAt", source, client_submission_id as "clientSubmissionId", lang, data, score, max_score as "maxScore"`,
);

/**
 * What a submission through a cached collection link assumed about the link: the write happens
 * only if the link is open and still points at this version, activity and instrument, and the
 * instrument still has this purpose and anonymity.
 */
export interface LinkFacts {
  linkId: string;
  versionId: string;
  activityId: string | null;
  instrumentId: string;
  purpose: Purpose;
  anonymous: boolean;
}

/**
 * A submission's whole write in one statement: the response and, on completion, its answer rows.
 * `mode: 'new'` inserts only when no response has this client submission id yet (otherwise nothing
 * is written and undefined is returned, so the caller reads the stored one and merges);
 * `mode: 'update'` is `upsertResponse`: it never touches a complete response (undefined then).
 * Answer rows are written only when the response row was, so a re-sent submission never duplicates them.
 * With `link` (new responses only), nothing is written either unless the link's facts hold.
 */
export async function writeResponse(
  tx: Tx,
  write: ResponseWrite,
  purpose: Purpose,
  answerRows: AnswerRow[],
  mode: 'new' | 'update',
  link?: LinkFacts,
): Promise<ResponseRow | undefined> {
  const submittedAt = write.status === 'complete' ? sql`now()` : sql`null::timestamptz`;
  const data = JSON.stringify(write.data);
  const conflict =
    mode === 'new'
      ? sql`do nothing`
      : sql`do update set data = excluded.data, status = excluded.status, lang = excluded.lang, submitted_at = excluded.submitted_at,
                          score = excluded.score, max_score = excluded.max_score
             where responses.status = 'partial' and responses.instrument_version_id = excluded.instrument_version_id`;
  const values = sql`tracer_current_org(), ${write.clientSubmissionId}::text, ${write.instrumentId}::uuid, ${write.instrumentVersionId}::uuid,
                ${write.collectionLinkId}::uuid, ${write.activityId}::uuid, ${write.participantId}::uuid, ${write.status}::text, ${write.lang}::text, ${data}::jsonb,
                ${write.source}::text, ${write.score}::float8, ${write.maxScore}::float8, ${submittedAt}`;
  const source = link
    ? sql`select ${values}
           where exists (select from collection_links l join instruments i on i.org_id = l.org_id and i.id = ${link.instrumentId}::uuid
                          where l.id = ${link.linkId}::uuid and l.closed_at is null and l.instrument_version_id = ${link.versionId}::uuid
                            and l.activity_id is not distinct from ${link.activityId}::uuid and i.purpose = ${link.purpose} and i.anonymous = ${link.anonymous})`
    : sql`values (${values})`;
  const written = sql`insert into responses (org_id, client_submission_id, instrument_id, instrument_version_id, collection_link_id, activity_id,
                                participant_id, status, lang, data, source, score, max_score, submitted_at)
        ${source}
        on conflict (org_id, client_submission_id) ${conflict}
        returning ${responseColumns}`;
  if (answerRows.length === 0) {
    const [row] = await preparedRows<ResponseRow>(tx, written);
    return row;
  }
  const [row] = await preparedRows<ResponseRow>(
    tx,
    sql`with r as (${written}),
        a as (insert into answers (org_id, response_id, position, question_key, item_index, resource_person_id, choice_code, numeric_value,
                                   text_value, instrument_id, purpose, activity_id)
              select r."orgId", r.id, x.position, x.question_key, x.item_index, x.resource_person_id, x.choice_code, x.numeric_value,
                     x.text_value, r."instrumentId", ${purpose}, r."activityId"
                from r, jsonb_to_recordset(${JSON.stringify(answerRows.map(toRecord))}::jsonb)
                     as x(position int, question_key text, item_index int, resource_person_id uuid, choice_code text, numeric_value float8, text_value text))
        select * from r`,
  );
  return row;
}

const toRecord = (row: AnswerRow) => ({
  position: row.position,
  question_key: row.questionKey,
  item_index: row.itemIndex,
  resource_person_id: row.resourcePersonId,
  choice_code: row.choiceCode,
  numeric_value: row.numericValue,
  text_value: row.textValue,
});

export async function insertAnswers(
  tx: Tx,
  response: { id: string; instrumentId: string; activityId: string | null },
  purpose: Purpose,
  answerRows: AnswerRow[],
): Promise<void> {
  if (answerRows.length === 0) return;
  await tx.insert(answers).values(
    answerRows.map((row) => ({
      ...row,
      orgId: sql`tracer_current_org()`,
      responseId: response.id,
      instrumentId: response.instrumentId,
      activityId: response.activityId,
      purpose,
    })),
  );
}

/** Columns of a staged response, in the order of the bulk writer's COPY lines. */
export const stagedResponseColumns = [
  'id', 'client_submission_id', 'activity_id', 'participant_id', 'collection_link_id', 'status', 'started_at', 'submitted_at', 'source', 'lang', 'data', 'score', 'max_score',
] as const;

/** Columns of a staged answer row, in the order of the bulk writer's COPY lines. */
export const stagedAnswerColumns = ['response_id', 'position', 'question_key', 'item_index', 'resource_person_id', 'choice_code', 'numeric_value', 'text_value', 'activity_id'] as const;

/** Many responses of one instrument version and their answer rows, in COPY text format. */
export interface StagedResponses {
  instrumentId: string;
  instrumentVersionId: string;
  purpose: Purpose;
  /** One line per response (`stagedResponseColumns`); null timestamps mean now. */
  responses: string;
  responseCount: number;
  /** One line per answer row (`stagedAnswerColumns`), for complete responses only. */
  answers: string;
}

/**
 * Writes many responses and their answer rows: COPY into temporary staging tables of the
 * transaction, then one INSERT … SELECT per table under the tenant role (row-level security and
 * the constraints apply as for any insert). A client submission id that exists already is left
 * alone, with its answer rows. Returns the ids of the responses written.
 */
export async function insertStagedResponses(tx: Tx, staged: StagedResponses): Promise<string[]> {
  if (staged.responseCount === 0) return [];
  await tx.execute(sql`create temporary table if not exists staged_responses (
      id uuid, client_submission_id text, activity_id uuid, participant_id uuid, collection_link_id uuid, status text, started_at timestamptz,
      submitted_at timestamptz, source text, lang text, data jsonb, score float8, max_score float8) on commit drop`);
  await tx.execute(sql`create temporary table if not exists staged_answers (
      response_id uuid, position int, question_key text, item_index int, resource_person_id uuid, choice_code text, numeric_value float8,
      text_value text, activity_id uuid) on commit drop`);
  await tx.execute(sql`truncate staged_responses, staged_answers`);
  await copyInto(tx, 'staged_responses', stagedResponseColumns, staged.responses);
  await copyInto(tx, 'staged_answers', stagedAnswerColumns, staged.answers);
  const written = await rows<{ id: string }>(
    tx,
    sql`insert into responses (org_id, id, instrument_id, instrument_version_id, activity_id, participant_id, collection_link_id, status,
                               started_at, submitted_at, source, client_submission_id, lang, data, score, max_score)
        select tracer_current_org(), r.id, ${staged.instrumentId}::uuid, ${staged.instrumentVersionId}::uuid, r.activity_id, r.participant_id,
               r.collection_link_id, r.status, coalesce(r.started_at, now()), case when r.status = 'complete' then coalesce(r.submitted_at, now()) end,
               r.source, r.client_submission_id, r.lang, r.data, r.score, r.max_score
          from staged_responses r
        on conflict (org_id, client_submission_id) do nothing
        returning id`,
  );
  const ids = written.map((row) => row.id);
  if (ids.length === 0) return ids;
  // When some responses existed already, only the answer rows of those written are kept.
  const ofWritten = ids.length === staged.responseCount ? sql`` : sql`where a.response_id in (select unnest(${`{${ids.join(',')}}`}::uuid[]))`;
  await tx.execute(
    sql`insert into answers (org_id, response_id, position, question_key, item_index, resource_person_id, choice_code, numeric_value, text_value,
                             instrument_id, purpose, activity_id)
        select tracer_current_org(), a.response_id, a.position, a.question_key, a.item_index, a.resource_person_id, a.choice_code,
               a.numeric_value, a.text_value, ${staged.instrumentId}::uuid, ${staged.purpose}::text, a.activity_id
          from staged_answers a ${ofWritten}`,
  );
  return ids;
}

export async function listResponses(tx: Queryable, instrumentId: string, limit = 200): Promise<ResponseRow[]> {
  return tx.select().from(responses).where(eq(responses.instrumentId, instrumentId)).orderBy(desc(responses.startedAt)).limit(limit);
}

export async function answersOf(tx: Queryable, responseId: string): Promise<Array<typeof answers.$inferSelect>> {
  return tx.select().from(answers).where(eq(answers.responseId, responseId)).orderBy(answers.position);
}

/** Complete responses per status, for the staff list. */
export async function responseCounts(tx: Queryable, instrumentId: string): Promise<{ partial: number; complete: number }> {
  const [row] = await rows<{ partial: number; complete: number }>(
    tx,
    sql`select count(*) filter (where status = 'partial')::int as partial, count(*) filter (where status = 'complete')::int as complete
          from responses where instrument_id = ${instrumentId}`,
  );
  return row ?? { partial: 0, complete: 0 };
}

/** Demo data only: when a response was submitted (and started, an hour before). */
export async function setSubmittedAt(tx: Tx, responseId: string, at: Date): Promise<void> {
  await tx.update(responses).set({ submittedAt: at, startedAt: new Date(at.getTime() - 3_600_000) }).where(eq(responses.id, responseId));
}

/** Responses of an instrument by version and status, for the staff pages (counted in SQL). */
export async function responseCountsByVersion(
  tx: Queryable,
  instrumentId: string,
): Promise<Array<{ versionId: string; version: number; partial: number; complete: number }>> {
  return rows(
    tx,
    sql`select v.id as "versionId", v.version,
               count(r.id) filter (where r.status = 'partial')::int as partial,
               count(r.id) filter (where r.status = 'complete')::int as complete
          from instrument_versions v
          left join responses r on r.org_id = v.org_id and r.instrument_version_id = v.id
         where v.instrument_id = ${instrumentId}
         group by v.id, v.version
         order by v.version desc`,
  );
}

export interface ResponseListing {
  id: string;
  version: number;
  status: ResponseStatus;
  lang: string | null;
  startedAt: Date;
  submittedAt: Date | null;
  score: number | null;
  maxScore: number | null;
}

/** One page of an instrument's responses (latest first), optionally of one status, and the total. */
export async function pageOfResponses(
  tx: Queryable,
  instrumentId: string,
  options: { limit: number; offset: number; status?: ResponseStatus },
): Promise<{ total: number; items: ResponseListing[] }> {
  const status = options.status ? sql`and r.status = ${options.status}` : sql``;
  const [count] = await rows<{ total: number }>(tx, sql`select count(*)::int as total from responses r where r.instrument_id = ${instrumentId} ${status}`);
  const items = await rows<ResponseListing & { startedAt: string | Date; submittedAt: string | Date | null }>(
    tx,
    sql`select r.id, v.version, r.status, r.lang, r.started_at as "startedAt", r.submitted_at as "submittedAt", r.score, r.max_score as "maxScore"
          from responses r
          join instrument_versions v on v.org_id = r.org_id and v.id = r.instrument_version_id
         where r.instrument_id = ${instrumentId} ${status}
         order by r.started_at desc, r.id
         limit ${options.limit} offset ${options.offset}`,
  );
  return {
    total: count?.total ?? 0,
    items: items.map((item) => ({ ...item, startedAt: new Date(item.startedAt), submittedAt: item.submittedAt === null ? null : new Date(item.submittedAt) })),
  };
}

/** Every response of an instrument with its version number, oldest first (CSV export). */
export async function responsesForExport(tx: Queryable, instrumentId: string): Promise<Array<ResponseRow & { version: number }>> {
  const result = await tx
    .select({ response: responses, version: instrumentVersions.version })
    .from(responses)
    .innerJoin(instrumentVersions, and(eq(instrumentVersions.orgId, responses.orgId), eq(instrumentVersions.id, responses.instrumentVersionId)))
    .where(eq(responses.instrumentId, instrumentId))
    .orderBy(asc(responses.startedAt), asc(responses.id));
  return result.map(({ response, version }) => ({ ...response, version }));
}
