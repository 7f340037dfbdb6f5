// Every query of the responses domain.
import { desc, eq, sql } from 'drizzle-orm';
import { rows, type Queryable, type Tx } from '../db/database.ts';
import type { Purpose, ResponseData } from '../instruments/model.ts';
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

/** A response row as the bulk writer builds it (timestamps as ISO text; null = now). */
export interface BulkResponseRow {
  id: string;
  clientSubmissionId: string;
  instrumentId: string;
  instrumentVersionId: string;
  collectionLinkId: string | null;
  activityId: string | null;
  participantId: string | null;
  status: ResponseStatus;
  startedAt: string | null;
  submittedAt: string | null;
  lang: string | null;
  data: ResponseData;
  source: 'web' | 'import';
  score: number | null;
  maxScore: number | null;
}

/**
 * Inserts many responses in one statement (the rows travel as one JSON parameter, so the
 * statement is the same for 1 or 2,000 rows and on both drivers). A client submission id that
 * exists already is left alone. Returns the ids of the rows written.
 */
export async function insertResponsesBulk(tx: Tx, list: BulkResponseRow[]): Promise<string[]> {
  if (list.length === 0) return [];
  const written = await rows<{ id: string }>(
    tx,
    sql`insert into responses (org_id, id, instrument_id, instrument_version_id, activity_id, participant_id, collection_link_id, status,
                               started_at, submitted_at, source, client_submission_id, lang, data, score, max_score)
        select tracer_current_org(), r.id, r."instrumentId", r."instrumentVersionId", r."activityId", r."participantId", r."collectionLinkId", r.status,
               coalesce(r."startedAt", now()), case when r.status = 'complete' then coalesce(r."submittedAt", now()) end, r.source,
               r."clientSubmissionId", r.lang, r.data, r.score, r."maxScore"
          from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as r(id uuid, "instrumentId" uuid, "instrumentVersionId" uuid, "activityId" uuid,
               "participantId" uuid, "collectionLinkId" uuid, status text, "startedAt" timestamptz, "submittedAt" timestamptz, source text,
               "clientSubmissionId" text, lang text, data jsonb, score float8, "maxScore" float8)
        on conflict (org_id, client_submission_id) do nothing
        returning id`,
  );
  return written.map((row) => row.id);
}

export type BulkAnswerRow = AnswerRow & { responseId: string; activityId: string | null };

/** Inserts the answer rows of many complete responses of one instrument in one statement per 20,000 rows. */
export async function insertAnswersBulk(tx: Tx, instrument: { instrumentId: string; purpose: Purpose }, list: BulkAnswerRow[]): Promise<void> {
  for (let start = 0; start < list.length; start += 20_000) {
    const chunk = list.slice(start, start + 20_000);
    await tx.execute(
      sql`insert into answers (org_id, response_id, position, question_key, item_index, resource_person_id, choice_code, numeric_value, text_value,
                               instrument_id, purpose, activity_id)
          select tracer_current_org(), a."responseId", a.position, a."questionKey", a."itemIndex", a."resourcePersonId", a."choiceCode",
                 a."numericValue", a."textValue", ${instrument.instrumentId}::uuid, ${instrument.purpose}::text, a."activityId"
            from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as a("responseId" uuid, position int, "questionKey" text, "itemIndex" int,
                 "resourcePersonId" uuid, "choiceCode" text, "numericValue" float8, "textValue" text, "activityId" uuid)`,
    );
  }
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
