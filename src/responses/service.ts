// Submission rules: idempotent by client submission id, validated against the version, a final
// submit locks the response, anonymous instruments never keep the participant, and a
// validation error never loses what was valid (it is kept as a partial response).
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Tx } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import type { InstrumentDefinition, ResponseData } from '../instruments/model.ts';
import * as instrumentRepo from '../instruments/repository.ts';
import { answerRows, knowledgeScore, validateResponse, type AnswerIssue, type SubmittedRepeats } from './answers.ts';
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
  /**
   * Set when loaded with `deferResourcePersons`: `resourcePersons` is then empty, and `submit`
   * calls this only when the submission can depend on them (see `dependsOnResourcePersons`).
   */
  loadResourcePersons?: () => Promise<ResourcePerson[]>;
  /**
   * Set when the link's facts above come from the in-process cache, not from this transaction:
   * the write then checks them (and that the link is open) and writes nothing when they do not
   * hold; `submit` then loads the link again with this, which refuses a closed one.
   */
  reload?: () => Promise<Collection>;
}

/**
 * Published versions are immutable (a trigger refuses updates of `definition`), so their
 * definitions are kept in process, keyed by organisation and version id, instead of being read
 * on every request. Bounded; entries are shared between requests, hence frozen.
 */
const definitions = new LRUCache<string, InstrumentDefinition>({ max: 500 });

async function versionDefinition(tx: Tx, orgId: string, versionId: string): Promise<InstrumentDefinition | undefined> {
  const key = `${orgId}/${versionId}`;
  const cached = definitions.get(key);
  if (cached) return cached;
  const definition = await instrumentRepo.findVersionDefinition(tx, versionId);
  if (definition) definitions.set(key, deepFreeze(definition));
  return definition;
}

/** Shared between requests: any attempt to change it throws instead of leaking into the next request. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * What a collection link points at (its version, activity and instrument), kept in process by link
 * id for `loadCollection`'s `fromCache`. Nothing in Tracer changes these facts of a link, but they
 * are never trusted: a submission through a cached entry writes only if the database still agrees
 * with every one of them and the link is open (`repo.LinkFacts`), else it reloads the link.
 */
const linkTargets = new LRUCache<string, instrumentRepo.LinkTarget>({ max: 10_000 });

/**
 * Loads what answering through `linkId` needs: one query once the version is cached, and the
 * resource persons for a per-resource-person block (two more), unless `deferResourcePersons`
 * (submissions, which often do not need them). With `fromCache` (JSON submissions) a link seen
 * before costs no query at all: the collection then has `reload`, and `submit` has its write
 * check the link instead (`repo.writeResponse`), reloading it when the write writes nothing.
 */
export async function loadCollection(
  tx: Tx,
  linkId: string,
  source: ResourcePersonSource,
  options: { deferResourcePersons?: boolean; fromCache?: boolean } = {},
): Promise<Collection> {
  const cached = options.fromCache ? linkTargets.get(linkId) : undefined;
  const target = cached ?? (await instrumentRepo.findLinkTarget(tx, linkId));
  if (!target || target.closedAt) {
    linkTargets.delete(linkId);
    throw Problem.notFound('This link is no longer open');
  }
  const definition = await versionDefinition(tx, target.orgId, target.versionId);
  if (!definition) throw Problem.notFound('This link is no longer open');
  if (!cached) linkTargets.set(linkId, target);
  return {
    linkId: target.linkId,
    activityId: target.activityId,
    instrumentId: target.instrumentId,
    instrumentKey: target.instrumentKey,
    purpose: target.purpose,
    anonymous: target.anonymous,
    versionId: target.versionId,
    definition,
    ...(cached ? { reload: () => loadCollection(tx, linkId, source, { ...options, fromCache: false }) } : {}),
    ...(!definition.pages.some((page) => page.kind === 'resource_person_repeat')
      ? { resourcePersons: [] }
      : options.deferResourcePersons
        ? { resourcePersons: [], loadResourcePersons: () => source.resourcePersonsOf(tx, target.activityId) }
        : { resourcePersons: await source.resourcePersonsOf(tx, target.activityId) }),
  };
}

export interface Submission {
  clientSubmissionId?: string;
  answers?: Record<string, unknown>;
  repeats?: SubmittedRepeats;
  /** True for the final submit; false saves progress. */
  final: boolean;
  lang?: string;
  /** Pages whose rules to check now (a page of the no-script form); all when absent. */
  pages?: ReadonlySet<string>;
  /** Known from a personal invitation (issue 5); ignored for anonymous instruments. */
  participantId?: string | null;
  /**
   * The stored response of this client submission id when the caller has read it already (the
   * page flow does), or null when it read that there is none; saves the service a query.
   */
  stored?: repo.ResponseRow | null;
}

export type SubmissionResult =
  | { outcome: 'saved' | 'completed'; response: repo.ResponseRow }
  | { outcome: 'already_complete'; response: repo.ResponseRow }
  | { outcome: 'invalid'; response: repo.ResponseRow; issues: AnswerIssue[] };

export async function submit(tx: Tx, collection: Collection, submission: Submission, today?: string): Promise<SubmissionResult> {
  const clientSubmissionId = submission.clientSubmissionId ?? randomUUID();
  // Only a new response's write checks a cached link (`Collection.reload`).
  if (submission.stored && collection.reload) return submit(tx, await collection.reload(), submission, today);
  let existing = submission.stored ?? undefined;
  if (!existing) {
    // Most submissions are new: try writing them in one statement, which writes nothing if the
    // id is taken (a re-sent or resumed submission); then read the stored one and merge with it.
    const result = await validateAndWrite(tx, collection, submission, clientSubmissionId, undefined, 'new', today);
    if (result) return result;
    if (collection.reload) {
      // A cached link: the id is taken, or the link is closed (the reload refuses it) or no longer as cached.
      const fresh = await collection.reload();
      if (!sameLink(fresh, collection)) return submit(tx, fresh, { ...submission, clientSubmissionId }, today);
      collection = fresh;
    }
    existing = await repo.findByClientSubmissionId(tx, clientSubmissionId);
    if (!existing) throw new Error(`response ${clientSubmissionId} neither written nor found`);
  }
  if (existing.instrumentVersionId !== collection.versionId) {
    throw Problem.conflict('This submission id belongs to another questionnaire', 'body/clientSubmissionId');
  }
  if (existing.status === 'complete') return { outcome: 'already_complete', response: existing };
  const result = await validateAndWrite(tx, collection, submission, clientSubmissionId, existing, 'update', today);
  if (result) return result;
  // Another request completed it meanwhile: same outcome as a re-sent final submit.
  const completed = await repo.findByClientSubmissionId(tx, clientSubmissionId);
  return { outcome: 'already_complete', response: completed! };
}

/** Whether two loads of a link agree on every fact a write through a cached link checks (`repo.LinkFacts`). */
function sameLink(a: Collection, b: Collection): boolean {
  return (
    a.linkId === b.linkId &&
    a.versionId === b.versionId &&
    a.activityId === b.activityId &&
    a.instrumentId === b.instrumentId &&
    a.purpose === b.purpose &&
    a.anonymous === b.anonymous
  );
}

/**
 * Whether checking and storing a submission depends on who the resource persons are: when it
 * answers a per-resource-person block, when one was answered before (its answers are kept per
 * person), or when such a block has required answers or calculations (they apply to every person
 * even when nothing is sent). Otherwise each block is stored with no items, as for an activity
 * without resource persons, and the respondent pages fill them in from the activity.
 */
export function dependsOnResourcePersons(definition: InstrumentDefinition, submission: Pick<Submission, 'repeats'>, stored: ResponseData | undefined): boolean {
  return definition.pages.some(
    (page) =>
      page.kind === 'resource_person_repeat' &&
      ((submission.repeats?.[page.key]?.length ?? 0) > 0 ||
        (stored?.repeats?.[page.key]?.length ?? 0) > 0 ||
        page.questions.some((question) => question.required || question.type === 'calculate')),
  );
}

async function resourcePersonIds(collection: Collection, submission: Submission, stored: ResponseData | undefined): Promise<string[]> {
  if (collection.loadResourcePersons && dependsOnResourcePersons(collection.definition, submission, stored)) {
    collection.resourcePersons = await collection.loadResourcePersons();
    collection.loadResourcePersons = undefined;
  }
  return collection.resourcePersons.map((person) => person.id);
}

async function validateAndWrite(
  tx: Tx,
  collection: Collection,
  submission: Submission,
  clientSubmissionId: string,
  existing: repo.ResponseRow | undefined,
  mode: 'new' | 'update',
  today: string | undefined,
): Promise<SubmissionResult | undefined> {
  const enforceRequired = submission.final || submission.pages !== undefined;
  const { data, issues } = validateResponse(
    collection.definition,
    submission,
    existing?.data,
    { enforceRequired, pages: submission.pages, resourcePersonIds: await resourcePersonIds(collection, submission, existing?.data), today },
  );
  const complete = submission.final && issues.length === 0;
  const score = complete ? knowledgeScore(collection.definition, data) : null;
  const response = await repo.writeResponse(
    tx,
    {
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
    },
    collection.purpose,
    complete ? answerRows(collection.definition, data) : [],
    mode,
    mode === 'new' && collection.reload
      ? { linkId: collection.linkId, versionId: collection.versionId, activityId: collection.activityId, instrumentId: collection.instrumentId, purpose: collection.purpose, anonymous: collection.anonymous }
      : undefined,
  );
  if (!response) return undefined;
  if (issues.length > 0) return { outcome: 'invalid', response, issues };
  return { outcome: complete ? 'completed' : 'saved', response };
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
