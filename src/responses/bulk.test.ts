// The bulk writer writes exactly the rows a final submit writes (response, score, answer rows),
// keeps invalid submissions partial, and never writes a client submission id twice.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../db/database.ts';
import { knowledgeTest } from '../instruments/bank.ts';
import { createCollectionLink, createInstrument, createStandardInstrument, latestVersion, publish } from '../instruments/service.ts';
import { saveActivity } from '../catalogue/service.ts';
import { upsertParticipants } from '../people/repository.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, type TestOrg } from '../testing/http.ts';
import { validateSubmission, writeResponses, type BulkSubmission, type BulkTarget } from './bulk.ts';
import { loadCollection, submit } from './service.ts';

const l = (en: string) => ({ en });
const knowledge = knowledgeTest('pre_test', l('Test'), [
  { key: 'q1', label: l('Q1'), choices: [{ code: 'a', label: l('A') }, { code: 'b', label: l('B') }], correct: ['a'] },
  { key: 'q2', label: l('Q2'), choices: [{ code: 'x', label: l('X') }, { code: 'y', label: l('Y') }, { code: 'z', label: l('Z') }], correct: ['x', 'z'] },
]);

describe('bulk response writer', () => {
  let database: Database;
  let org: TestOrg;
  const actor = () => ({ userId: randomUUID(), orgId: org.id, role: 'administrator' as const, displayName: 'test', email: 't@x' });
  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'bulk');
  });
  after(() => database.close());

  /** A real activity and real participants: responses reference both. */
  const newActivity = async (tx: Tx) => (await saveActivity(tx, org.id, { code: `BULK-${randomUUID().slice(0, 8)}`, title: 'Bulk test course', modality: 'webinar' })).id;
  const newParticipants = async (tx: Tx, n: number) => {
    const codes = Array.from({ length: n }, () => `BP-${randomUUID().slice(0, 8)}`);
    const { ids } = await upsertParticipants(tx, org.id, codes.map((code) => ({ code, preferredLanguage: 'en' })));
    return codes.map((code) => ids.get(code)!);
  };

  /** Writes each submission once through submit() and once through the bulk writer; returns both rows, comparable. */
  async function both(tx: Tx, instrumentId: string, activityId: string, trainers: Array<{ id: string; name: string }>, submissions: Array<BulkSubmission & { participantId: string }>) {
    const link = await createCollectionLink(tx, instrumentId, { activityId });
    const collection = await loadCollection(tx, link.id, { resourcePersonsOf: async () => trainers });
    const version = await latestVersion(tx, instrumentId);
    const target: BulkTarget = { instrumentId, versionId: version.id, purpose: collection.purpose, anonymous: collection.anonymous, definition: version.definition };
    const items = [];
    for (const [i, submission] of submissions.entries()) {
      await submit(tx, collection, { ...submission, clientSubmissionId: `web-${instrumentId}-${i}`, final: true });
      const { data, issues } = validateSubmission(target.definition, submission, { resourcePersonIds: trainers.map((t) => t.id) });
      items.push({ clientSubmissionId: `bulk-${instrumentId}-${i}`, activityId, participantId: submission.participantId, collectionLinkId: link.id, data, complete: issues.length === 0, source: 'web' as const });
    }
    const result = await writeResponses(tx, target, items);
    const snapshot = async (prefix: string) => ({
      responses: await rows(
        tx,
        sql`select substr(client_submission_id, length(${prefix}) + 1) as n, instrument_id, instrument_version_id, activity_id, participant_id, collection_link_id,
                   status, submitted_at is not null as submitted, source, lang, data, score, max_score
              from responses where client_submission_id like ${prefix + '%'} and instrument_id = ${instrumentId} order by 1`,
      ),
      answers: await rows(
        tx,
        sql`select substr(r.client_submission_id, length(${prefix}) + 1) as n, a.position, a.question_key, a.item_index, a.resource_person_id, a.choice_code,
                   a.numeric_value, a.text_value, a.instrument_id, a.purpose, a.activity_id
              from answers a join responses r on r.org_id = a.org_id and r.id = a.response_id
             where r.client_submission_id like ${prefix + '%'} and r.instrument_id = ${instrumentId} order by 1, 2`,
      ),
    });
    return { result, web: await snapshot(`web-${instrumentId}-`), bulk: await snapshot(`bulk-${instrumentId}-`), target, items };
  }

  it('writes the same responses, scores and answer rows as final submits (knowledge test, with an invalid one)', async () => {
    await database.withOrg(org.id, async (tx) => {
      const instrument = await createInstrument(tx, actor(), { key: 'kt', purpose: 'pre_test', definition: knowledge });
      await publish(tx, instrument.id);
      const participants = await newParticipants(tx, 3);
      const { result, web, bulk } = await both(tx, instrument.id, await newActivity(tx), [], [
        { participantId: participants[0]!, answers: { q1: 'a', q2: ['x', 'z'] } },
        { participantId: participants[1]!, answers: { q1: 'b', q2: 'z x' } },
        { participantId: participants[2]!, answers: { q1: 'c' } },
      ]);
      assert.deepEqual(result, { written: 3, completed: 2, existing: 0, answers: 6 });
      assert.deepEqual(bulk, web);
      const scores = (bulk.responses as Array<{ status: string; score: number | null; max_score: number | null }>).map((r) => [r.status, r.score, r.max_score]);
      assert.deepEqual(scores, [['complete', 2, 2], ['complete', 1, 2], ['partial', null, null]]);
    });
  });

  it('writes repeats per resource person and drops the participant of anonymous instruments, like submits', async () => {
    await database.withOrg(org.id, async (tx) => {
      const eoa = await createStandardInstrument(tx, actor(), 'end_of_activity', 'eoa_bulk');
      await publish(tx, eoa.id);
      const trainers = [{ id: randomUUID(), name: 'A' }, { id: randomUUID(), name: 'B' }];
      const base = { eoa_relevance: 'agree', eoa_theory_practice: 'neutral', eoa_can_apply: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 4 };
      const [p1, p2] = await newParticipants(tx, 2);
      const { web, bulk, result, target, items } = await both(tx, eoa.id, await newActivity(tx), trainers, [
        { participantId: p1!, answers: { ...base, eoa_comments: 'Good\tpace\r\nC:\\notes "quoted" \\N é' }, repeats: { eoa_trainers: [{ resourcePersonId: trainers[1]!.id, answers: { eoa_trainer_rating: 5 } }] } },
        { participantId: p2!, answers: { ...base, eoa_overall: '2' } },
      ]);
      assert.equal(result.completed, 2);
      assert.deepEqual(bulk, web);
      assert.ok((bulk.responses as Array<{ participant_id: string | null }>).every((r) => r.participant_id === null));
      const trainerRows = (bulk.answers as Array<{ question_key: string; item_index: number; resource_person_id: string }>).filter((a) => a.question_key === 'eoa_trainer_rating');
      assert.deepEqual(trainerRows.map((a) => [a.item_index, a.resource_person_id]), [[2, trainers[1]!.id]]);

      // Writing the same client submission ids again writes nothing.
      const again = await writeResponses(tx, target, items);
      assert.deepEqual(again, { written: 0, completed: 0, existing: 2, answers: 0 });
      const [count] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from responses where instrument_id = ${eoa.id} and client_submission_id like 'bulk-%'`);
      assert.equal(count!.n, 2);

      // A mix of known and new ids writes the new ones only, with their answer rows.
      const fresh = { ...items[1]!, clientSubmissionId: `bulk-${eoa.id}-fresh` };
      const mixed = await writeResponses(tx, target, [items[0]!, fresh]);
      assert.deepEqual(mixed, { written: 1, completed: 1, existing: 1, answers: 5 });
      const [answerCount] = await rows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from answers a join responses r on r.org_id = a.org_id and r.id = a.response_id where r.instrument_id = ${eoa.id} and r.client_submission_id like 'bulk-%'`,
      );
      assert.equal(answerCount!.n, bulk.answers.length + 5);
    });
  });

  it('keeps submitted and started times when given', async () => {
    await database.withOrg(org.id, async (tx) => {
      const instrument = await createInstrument(tx, actor(), { key: 'kt_times', purpose: 'post_test', definition: knowledge });
      const version = await publish(tx, instrument.id);
      const target: BulkTarget = { instrumentId: instrument.id, versionId: version.id, purpose: 'post_test', anonymous: false, definition: version.definition };
      const { data } = validateSubmission(knowledge, { answers: { q1: 'a', q2: 'x z' } }, { resourcePersonIds: [] });
      const at = new Date('2024-05-06T10:00:00Z');
      await writeResponses(tx, target, [{ clientSubmissionId: 'timed', activityId: null, participantId: null, collectionLinkId: null, data, complete: true, submittedAt: at, startedAt: new Date(at.getTime() - 60_000), source: 'import' }]);
      const [row] = await rows<{ submitted: string; started: string; source: string }>(
        tx,
        sql`select submitted_at::text as submitted, started_at::text as started, source from responses where client_submission_id = 'timed'`,
      );
      assert.equal(new Date(row!.submitted).toISOString(), at.toISOString());
      assert.equal(new Date(row!.started).toISOString(), '2024-05-06T09:59:00.000Z');
      assert.equal(row!.source, 'import');
    });
  });
});
