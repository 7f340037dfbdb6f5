// Many responses at once (imports, the demo): the same validation, the same `responses` row,
// the same knowledge score and the same `answers` rows as a final submit (service.submit), but
// written with a few multi-row statements per thousands of responses instead of four
// statements per response. Re-writing a client submission id that exists already writes nothing
// (the first write wins, as for a final submit).
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/database.ts';
import type { InstrumentDefinition, Purpose, ResponseData } from '../instruments/model.ts';
import { answerRows, knowledgeScore, validateResponse, type AnswerIssue, type SubmittedRepeats } from './answers.ts';
import * as repo from './repository.ts';

/** The instrument version the responses answer. */
export interface BulkTarget {
  instrumentId: string;
  versionId: string;
  purpose: Purpose;
  /** Anonymous instruments never keep the participant (as for submissions). */
  anonymous: boolean;
  definition: InstrumentDefinition;
}

/** What a respondent sent, before validation (the shape of a submission). */
export interface BulkSubmission {
  answers?: Record<string, unknown>;
  repeats?: SubmittedRepeats;
}

/**
 * Validates a would-be final submission exactly as `submit` does (required answers enforced on
 * every page): the data that may be stored and the issues; complete when there are none.
 */
export function validateSubmission(
  definition: InstrumentDefinition,
  submission: BulkSubmission,
  options: { resourcePersonIds: readonly string[]; today?: string },
): { data: ResponseData; issues: AnswerIssue[] } {
  return validateResponse(definition, submission, undefined, { enforceRequired: true, resourcePersonIds: options.resourcePersonIds, today: options.today });
}

/** One validated response to write. */
export interface BulkResponse {
  clientSubmissionId: string;
  activityId: string | null;
  participantId: string | null;
  collectionLinkId: string | null;
  /** Validated data (`validateSubmission`). */
  data: ResponseData;
  /** Complete responses get their score and answer rows; partial ones are kept whole only. */
  complete: boolean;
  /** When it was submitted (complete only; default: now). */
  submittedAt?: Date | null;
  /** When it was started (default: now). */
  startedAt?: Date | null;
  lang?: string | null;
  source: 'web' | 'import';
}

export interface BulkResult {
  /** Responses written. */
  written: number;
  /** Of which complete. */
  completed: number;
  /** Responses whose client submission id existed already: nothing written for them. */
  existing: number;
  /** Answer rows written. */
  answers: number;
}

/** Responses per statement: keeps one statement's JSON to a few megabytes. */
const CHUNK = 2_000;

export async function writeResponses(tx: Tx, target: BulkTarget, items: readonly BulkResponse[]): Promise<BulkResult> {
  const result: BulkResult = { written: 0, completed: 0, existing: 0, answers: 0 };
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    const rows: repo.BulkResponseRow[] = chunk.map((item) => {
      const score = item.complete ? knowledgeScore(target.definition, item.data) : null;
      return {
        id: randomUUID(),
        clientSubmissionId: item.clientSubmissionId,
        instrumentId: target.instrumentId,
        instrumentVersionId: target.versionId,
        collectionLinkId: item.collectionLinkId,
        activityId: item.activityId,
        participantId: target.anonymous ? null : item.participantId,
        status: item.complete ? 'complete' : 'partial',
        startedAt: item.startedAt?.toISOString() ?? null,
        submittedAt: item.complete ? (item.submittedAt?.toISOString() ?? null) : null,
        lang: item.lang ?? null,
        data: item.data,
        source: item.source,
        score: score?.score ?? null,
        maxScore: score?.maxScore ?? null,
      };
    });
    const inserted = new Set(await repo.insertResponsesBulk(tx, rows));
    const answerRowsOfChunk: repo.BulkAnswerRow[] = [];
    chunk.forEach((item, i) => {
      const row = rows[i]!;
      if (!item.complete || !inserted.has(row.id)) return;
      result.completed++;
      for (const answer of answerRows(target.definition, item.data)) answerRowsOfChunk.push({ ...answer, responseId: row.id, activityId: row.activityId });
    });
    await repo.insertAnswersBulk(tx, { instrumentId: target.instrumentId, purpose: target.purpose }, answerRowsOfChunk);
    result.written += inserted.size;
    result.existing += chunk.length - inserted.size;
    result.answers += answerRowsOfChunk.length;
  }
  return result;
}
