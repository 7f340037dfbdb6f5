// Submission rules: idempotent by client submission id, validated against the version, a final
// submit locks the response, anonymous instruments never keep the participant, and a
// validation error never loses what was valid (it is kept as a partial response).
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import type { InstrumentDefinition } from '../instruments/model.ts';
import * as instrumentRepo from '../instruments/repository.ts';
import { answerRows, knowledgeScore, validateResponse, type AnswerIssue } from './answers.ts';
import * as repo from './repository.ts';

export type { ResponseRow } from './repository.ts';

export interface ResourcePerson {
  id: string;
  name: string;
}

/**
 * Who the resource persons (trainers) of an activity are, for "repeat per resource person"
 * blocks. Wired at integration to enrolments with role `resource_person` (issue 3).
 */
export interface ResourcePersonSource {
  resourcePersonsOf(tx: Tx, activityId: string | null): Promise<ResourcePerson[]>;
}

export const noResourcePersons: ResourcePersonSource = { resourcePersonsOf: async () => [] };

/** Everything a respondent page or a submission needs about the link it came through. */
export interface Collection {
  linkId: string;
  activityId: string | null;
  instrumentId: string;
  instrumentKey: string;
  purpose: instrumentRepo.InstrumentRow['purpose'];
  anonymous: boolean;
  versionId: string;
  definition: InstrumentDefinition;
  resourcePersons: ResourcePerson[];
}

export async function loadCollection(tx: Tx, linkId: string, source: ResourcePersonSource): Promise<Collection> {
  const link = await instrumentRepo.findCollectionLink(tx, linkId);
  if (!link || link.closedAt) throw Problem.notFound('This link is no longer open');
  const version = await instrumentRepo.findVersion(tx, link.instrumentVersionId);
  const instrument = version && (await instrumentRepo.findInstrument(tx, version.instrumentId));
  if (!version || !instrument) throw Problem.notFound('This link is no longer open');
  return {
    linkId: link.id,
    activityId: link.activityId,
    instrumentId: instrument.id,
    instrumentKey: instrument.key,
    purpose: instrument.purpose,
    anonymous: instrument.anonymous,
    versionId: version.id,
    definition: version.definition,
    resourcePersons: await source.resourcePersonsOf(tx, link.activityId),
  };
}

export interface Submission {
  clientSubmissionId?: string;
  answers?: Record<string, unknown>;
  repeats?: Record<string, Array<{ resourcePersonId: string; answers: Record<string, unknown> }>>;
  /** True for the final submit; false saves progress. */
  final: boolean;
  lang?: string;
  /** Pages whose rules to check now (a page of the no-script form); all when absent. */
  pages?: ReadonlySet<string>;
  /** Known from a personal invitation (issue 5); ignored for anonymous instruments. */
  participantId?: string | null;
}

export type SubmissionResult =
  | { outcome: 'saved' | 'completed'; response: repo.ResponseRow }
  | { outcome: 'already_complete'; response: repo.ResponseRow }
  | { outcome: 'invalid'; response: repo.ResponseRow; issues: AnswerIssue[] };

export async function submit(tx: Tx, collection: Collection, submission: Submission, today?: string): Promise<SubmissionResult> {
  const clientSubmissionId = submission.clientSubmissionId ?? randomUUID();
  const existing = await repo.findByClientSubmissionId(tx, clientSubmissionId);
  if (existing && existing.instrumentVersionId !== collection.versionId) {
    throw Problem.conflict('This submission id belongs to another questionnaire', 'body/clientSubmissionId');
  }
  if (existing?.status === 'complete') return { outcome: 'already_complete', response: existing };

  const enforceRequired = submission.final || submission.pages !== undefined;
  const { data, issues } = validateResponse(
    collection.definition,
    submission,
    existing?.data,
    { enforceRequired, pages: submission.pages, resourcePersonIds: collection.resourcePersons.map((p) => p.id), today },
  );
  const complete = submission.final && issues.length === 0;
  const score = complete ? knowledgeScore(collection.definition, data) : null;
  const response = await repo.upsertResponse(tx, {
    clientSubmissionId,
    instrumentId: collection.instrumentId,
    instrumentVersionId: collection.versionId,
    collectionLinkId: collection.linkId,
    activityId: collection.activityId,
    participantId: collection.anonymous ? null : (submission.participantId ?? existing?.participantId ?? null),
    status: complete ? 'complete' : 'partial',
    lang: submission.lang ?? existing?.lang ?? null,
    data,
    source: 'web',
    score: score?.score ?? null,
    maxScore: score?.maxScore ?? null,
  });
  if (!response) {
    // Another request completed it meanwhile: same outcome as a re-sent final submit.
    const completed = await repo.findByClientSubmissionId(tx, clientSubmissionId);
    return { outcome: 'already_complete', response: completed! };
  }
  if (issues.length > 0) return { outcome: 'invalid', response, issues };
  if (complete) {
    await repo.insertAnswers(tx, response, collection.purpose, answerRows(collection.definition, data));
    return { outcome: 'completed', response };
  }
  return { outcome: 'saved', response };
}

/** A response of this collection, for resuming. */
export async function resumable(tx: Tx, collection: Collection, responseId: string): Promise<repo.ResponseRow | undefined> {
  const response = await repo.findResponse(tx, responseId);
  return response && response.collectionLinkId === collection.linkId ? response : undefined;
}

/** The response of a client submission id within this collection, if any. */
export async function findSubmission(tx: Tx, collection: Collection, clientSubmissionId: string): Promise<repo.ResponseRow | undefined> {
  const response = await repo.findByClientSubmissionId(tx, clientSubmissionId);
  return response && response.collectionLinkId === collection.linkId ? response : undefined;
}

export const listResponses = (tx: Tx, instrumentId: string) => repo.listResponses(tx, instrumentId);
export const answersOf = (tx: Tx, responseId: string) => repo.answersOf(tx, responseId);

// The staff view of responses (instrument pages): counts, pages of the list, one response, export.
export const responseCountsByVersion = (tx: Tx, instrumentId: string) => repo.responseCountsByVersion(tx, instrumentId);
export const pageOfResponses = (tx: Tx, instrumentId: string, options: { limit: number; offset: number; status?: repo.ResponseRow['status'] }) =>
  repo.pageOfResponses(tx, instrumentId, options);
export const responsesForExport = (tx: Tx, instrumentId: string) => repo.responsesForExport(tx, instrumentId);

/** One response of an instrument, with the version it answered. */
export async function responseOfInstrument(tx: Tx, instrumentId: string, responseId: string): Promise<{ response: repo.ResponseRow; version: instrumentRepo.VersionRow }> {
  const response = await repo.findResponse(tx, responseId);
  if (!response || response.instrumentId !== instrumentId) throw Problem.notFound('No such response to this instrument');
  const version = await instrumentRepo.findVersion(tx, response.instrumentVersionId);
  if (!version) throw Problem.notFound('No such instrument version');
  return { response, version };
}
