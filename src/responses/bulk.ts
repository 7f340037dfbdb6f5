// Many responses at once (imports, the demo): the same validation, the same `responses` row,
// the same knowledge score and the same `answers` rows as a final submit (service.submit), but
// written through COPY into staging tables and one INSERT … SELECT per table for thousands of
// responses instead of four statements per response. Re-writing a client submission id that
// exists already writes nothing (the first write wins, as for a final submit).
import { randomUUID } from 'node:crypto';
import { copyLine, type Tx } from '../db/database.ts';
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

/** Responses per COPY: keeps the staged text to some tens of megabytes. */
const CHUNK = 10_000;

export async function writeResponses(tx: Tx, target: BulkTarget, items: readonly BulkResponse[]): Promise<BulkResult> {
  const result: BulkResult = { written: 0, completed: 0, existing: 0, answers: 0 };
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    const ids: string[] = [];
    const answerCounts: number[] = [];
    let responseLines = '';
    let answerLines = '';
    for (const item of chunk) {
      const id = randomUUID();
      const score = item.complete ? knowledgeScore(target.definition, item.data) : null;
      ids.push(id);
      responseLines += copyLine([
        id, item.clientSubmissionId, item.activityId, target.anonymous ? null : item.participantId, item.collectionLinkId,
        item.complete ? 'complete' : 'partial', item.startedAt?.toISOString() ?? null, item.complete ? (item.submittedAt?.toISOString() ?? null) : null,
        item.source, item.lang ?? null, JSON.stringify(item.data), score?.score ?? null, score?.maxScore ?? null,
      ]);
      const answers = item.complete ? answerRows(target.definition, item.data) : [];
      answerCounts.push(answers.length);
      for (const a of answers) {
        answerLines += copyLine([id, a.position, a.questionKey, a.itemIndex, a.resourcePersonId, a.choiceCode, a.numericValue, a.textValue, item.activityId]);
      }
    }
    const written = new Set(
      await repo.insertStagedResponses(tx, {
        instrumentId: target.instrumentId,
        instrumentVersionId: target.versionId,
        purpose: target.purpose,
        responses: responseLines,
        responseCount: chunk.length,
        answers: answerLines,
      }),
    );
    chunk.forEach((item, i) => {
      if (!written.has(ids[i]!)) return;
      result.written++;
      if (item.complete) result.completed++;
      result.answers += answerCounts[i]!;
    });
    result.existing += chunk.length - written.size;
  }
  return result;
}
