// Submissions over real HTTP and the real database: idempotency, locking, validation without
// loss, anonymity, versioning, the analytics rows and the per-response knowledge score.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { saveActivity } from '../catalogue/service.ts';
import { knowledgeTest } from '../instruments/bank.ts';
import { resourcePersonsFromEnrolments } from '../people/directory.ts';
import { saveEnrolment, saveParticipant } from '../people/service.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { loadCollection, submit, type ResourcePersonSource } from './service.ts';

const eoaAnswers = { eoa_relevance: 'agree', eoa_theory_practice: 'neutral', eoa_can_apply: 'strongly_agree', eoa_needs_met: 'great_extent', eoa_overall: 4 };

describe('submissions', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let evaluator: TestClient;
  let anonymous: TestClient;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'subm');
    server = await startTestServer(database);
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    anonymous = new TestClient(server.url);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  const newActivity = (code: string) =>
    database.withOrg(org.id, async (tx) => (await saveActivity(tx, org.id, { code, title: `Activity ${code}`, modality: 'webinar' })).id);
  const newParticipant = (code: string) =>
    database.withOrg(org.id, async (tx) => {
      const [admin] = await rows<{ userId: string }>(tx, sql`select user_id as "userId" from memberships where role = 'administrator'`);
      const actor = { userId: admin!.userId, orgId: org.id, role: 'administrator' as const, displayName: 'admin', email: org.emails.administrator };
      return (await saveParticipant(tx, actor, { participantId: code })).id;
    });

  async function openLink(standard: string, key: string, activityId: string | null = null): Promise<{ instrumentId: string; token: string; versionId: string }> {
    const created = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard, key });
    assert.equal(created.status, 201, created.text);
    const version = await evaluator.post<{ id: string }>(`/api/instruments/${created.body.id}/versions`);
    assert.equal(version.status, 201, version.text);
    const link = await evaluator.post<{ token: string }>(`/api/instruments/${created.body.id}/links`, { activityId });
    assert.equal(link.status, 201, link.text);
    return { instrumentId: created.body.id, token: link.body.token, versionId: version.body.id };
  }

  it('saves progress, completes once, and answers a re-sent submission without duplicating or failing', async () => {
    const activityId = await newActivity('ACT-IDEM');
    const { token, instrumentId } = await openLink('end_of_activity', 'eoa_idem', activityId);
    const id = randomUUID();
    const partial = await anonymous.post<{ status: string; outcome: string; responseId: string }>(`/r/${token}/submissions`, { clientSubmissionId: id, answers: { eoa_relevance: 'agree' }, final: false });
    assert.equal(partial.status, 200, partial.text);
    assert.deepEqual([partial.body.status, partial.body.outcome], ['partial', 'saved']);
    const body = { clientSubmissionId: id, answers: { ...eoaAnswers, eoa_comments: 'Great' }, final: true };
    const results = await Promise.all([1, 2, 3].map(() => anonymous.post<{ outcome: string; responseId: string }>(`/r/${token}/submissions`, body)));
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200]);
    assert.equal(results.filter((r) => r.body.outcome === 'completed').length, 1);
    assert.ok(results.every((r) => r.body.responseId === partial.body.responseId));
    const late = await anonymous.post<{ outcome: string }>(`/r/${token}/submissions`, { clientSubmissionId: id, answers: { eoa_overall: 1 }, final: true });
    assert.equal(late.body.outcome, 'already_complete');
    const [counts] = await rows<{ responses: number; answers: number; overall: number; activity: string }>(
      database.system,
      sql`select (select count(*)::int from responses where instrument_id = ${instrumentId}) as responses,
                 (select count(*)::int from answers where response_id = ${partial.body.responseId}) as answers,
                 (select numeric_value from answers where response_id = ${partial.body.responseId} and question_key = 'eoa_overall') as overall,
                 (select distinct activity_id::text from answers where response_id = ${partial.body.responseId}) as activity`,
    );
    assert.deepEqual(counts, { responses: 1, answers: 6, overall: 4, activity: activityId });
  });

  it('refuses submissions through a link as soon as it is closed, though the server has seen the link before', async () => {
    const { token, instrumentId } = await openLink('end_of_activity', 'eoa_closing');
    const first = await anonymous.post(`/r/${token}/submissions`, { clientSubmissionId: randomUUID(), answers: eoaAnswers, final: true });
    assert.equal(first.status, 200, first.text);
    await database.system.execute(sql`update collection_links set closed_at = now() where token = ${token}`);
    const late = await anonymous.post(`/r/${token}/submissions`, { clientSubmissionId: randomUUID(), answers: eoaAnswers, final: true });
    assert.equal(late.status, 404, late.text);
    const [count] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from responses where instrument_id = ${instrumentId}`);
    assert.equal(count!.n, 1);
  });

  it('refuses invalid answers with a message per field and keeps what was valid', async () => {
    const { token } = await openLink('follow_up', 'fu_invalid');
    const id = randomUUID();
    const response = await anonymous.post<{ errors: Array<{ field: string; message: string }> }>(`/r/${token}/submissions`, {
      clientSubmissionId: id,
      answers: { fu_needs_met: 'fully', fu_use: 'sometimes', fu_tangible_change: ['none', 'policy'] },
      final: true,
    });
    assert.equal(response.status, 422);
    const fields = Object.fromEntries(response.body.errors.map((e) => [e.field, e.message]));
    assert.equal(fields['answers/fu_use'], 'not_a_choice');
    assert.equal(fields['answers/fu_tangible_change'], 'constraint');
    assert.equal(fields['answers/fu_competence_change'], 'required');
    const [stored] = await rows<{ status: string; data: { answers: Record<string, unknown> } }>(database.system, sql`select status, data from responses where client_submission_id = ${id}`);
    assert.equal(stored!.status, 'partial');
    assert.deepEqual(stored!.data.answers, { fu_needs_met: 'fully' });
  });

  it('refuses malformed and oversized payloads', async () => {
    const { token } = await openLink('end_of_activity', 'eoa_payload');
    const noId = await anonymous.post(`/r/${token}/submissions`, { answers: {}, final: true });
    assert.equal(noId.status, 400);
    const huge = await anonymous.post(`/r/${token}/submissions`, { clientSubmissionId: randomUUID(), answers: { eoa_comments: 'x'.repeat(300_000) }, final: true });
    assert.equal(huge.status, 413);
    const unknownLink = await anonymous.post(`/r/not-a-token/submissions`, { clientSubmissionId: randomUUID(), answers: {}, final: false });
    assert.equal(unknownLink.status, 404);
  });

  it('refuses links and responses about activities or participants that do not exist', async () => {
    const created = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'follow_up', key: 'fu_dangling' });
    await evaluator.post(`/api/instruments/${created.body.id}/versions`);
    const link = await evaluator.post<{ errors: Array<{ field: string }> }>(`/api/instruments/${created.body.id}/links`, { activityId: randomUUID() });
    assert.equal(link.status, 400, link.text);
    assert.deepEqual(link.body.errors.map((e) => e.field), ['body/activityId']);
    const { token } = await openLink('follow_up', 'fu_dangling_participant');
    await assert.rejects(
      database.withOrg(org.id, async (tx) => {
        const [row] = await rows<{ id: string }>(tx, sql`select id from collection_links where token = ${token}`);
        const collection = await loadCollection(tx, row!.id, noPersons);
        return submit(tx, collection, { clientSubmissionId: randomUUID(), answers: { fu_needs_met: 'fully' }, final: false, participantId: randomUUID() });
      }),
      (error: Error) => /foreign key/.test(String((error.cause as Error | undefined)?.message ?? error.message)),
    );
  });

  it('anonymous instruments never keep the participant; others do', async () => {
    const participantId = await newParticipant('P-NAMED');
    const results = await database.withOrg(org.id, async (tx) => {
      const [eoa] = await rows<{ id: string }>(tx, sql`select id from collection_links where instrument_version_id in (select v.id from instrument_versions v join instruments i on i.id = v.instrument_id and i.key = 'eoa_payload')`);
      const anonymousCollection = await loadCollection(tx, eoa!.id, { resourcePersonsOf: async () => [] });
      const a = await submit(tx, anonymousCollection, { clientSubmissionId: randomUUID(), answers: eoaAnswers, final: true, participantId });
      return a.response.participantId;
    });
    assert.equal(results, null);
    const { token } = await openLink('follow_up', 'fu_named');
    const named = await database.withOrg(org.id, async (tx) => {
      const [link] = await rows<{ id: string }>(tx, sql`select id from collection_links where token = ${token}`);
      const collection = await loadCollection(tx, link!.id, { resourcePersonsOf: async () => [] });
      return (await submit(tx, collection, { clientSubmissionId: randomUUID(), answers: { fu_needs_met: 'fully' }, final: false, participantId })).response.participantId;
    });
    assert.equal(named, participantId);
  });

  it('keeps each response on the version it answered; published versions cannot change', async () => {
    const { instrumentId, token, versionId } = await openLink('follow_up', 'fu_versions');
    const first = await anonymous.post<{ responseId: string }>(`/r/${token}/submissions`, { clientSubmissionId: randomUUID(), answers: { fu_needs_met: 'fully' }, final: false });
    const instrument = await evaluator.get<{ versions: unknown[]; hasDraft: boolean }>(`/api/instruments/${instrumentId}`);
    assert.equal(instrument.body.hasDraft, false);
    const nothing = await evaluator.post(`/api/instruments/${instrumentId}/versions`);
    assert.equal(nothing.status, 409);
    const version = await evaluator.get<{ definition: { pages: Array<{ questions: Array<{ label: Record<string, string> }> }> } }>(`/api/instrument-versions/${versionId}`);
    const edited = structuredClone(version.body.definition);
    edited.pages[0]!.questions[0]!.label.en = 'Changed wording';
    assert.equal((await evaluator.request('PUT', `/api/instruments/${instrumentId}/draft`, { definition: edited })).status, 204);
    const v2 = await evaluator.post<{ version: number }>(`/api/instruments/${instrumentId}/versions`);
    assert.equal(v2.body.version, 2);
    const [stored] = await rows<{ instrument_version_id: string }>(database.system, sql`select instrument_version_id from responses where id = ${first.body.responseId}`);
    assert.equal(stored!.instrument_version_id, versionId);
    await assert.rejects(
      database.withOrg(org.id, (tx) => tx.execute(sql`update instrument_versions set definition = '{}'::jsonb where id = ${versionId}`)),
      (error: Error) => /cannot change/.test(String((error.cause as Error | undefined)?.message ?? error.message)),
    );
  });

  it('refuses a definition with problems, naming each', async () => {
    const bad = await evaluator.post<{ errors: Array<{ message: string }> }>('/api/instruments', {
      key: 'broken',
      purpose: 'other',
      definition: {
        title: { en: 'Broken' },
        languages: ['en'],
        pages: [{ kind: 'group', key: 'p', label: { en: 'P' }, questions: [
          { key: 'a', type: 'single_choice', label: { en: 'A' }, choices: [{ code: 'x', label: { en: 'X' } }, { code: 'x', label: { en: 'X' } }] },
          { key: 'a', type: 'text', long: false, label: { en: 'A' }, relevant: 'pulldata(1)' },
          { key: 'c', type: 'slider', label: { en: 'C' } },
        ] }],
      },
    });
    assert.equal(bad.status, 422);
    const messages = bad.body.errors.map((e) => e.message);
    assert.ok(messages.includes('question "a": choice code "x" is used twice'), messages.join('\n'));
    assert.ok(messages.includes('question "a": relevant: unsupported function pulldata()'), messages.join('\n'));
    assert.ok(messages.includes('question "a": the key is used twice'), messages.join('\n'));
    assert.ok(messages.includes('question "c": unknown type "slider"'), messages.join('\n'));
    const viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    assert.equal((await viewer.post('/api/instruments/standard', { standard: 'follow_up', key: 'nope' })).status, 403);
  });

  it('reads the resource persons for a submission only when it depends on them, and never loses their ratings', async () => {
    const { token } = await openLink('end_of_activity', 'eoa_persons', await newActivity('ACT-PERSONS'));
    const persons = [{ id: await newParticipant('RP-A') }, { id: await newParticipant('RP-B') }];
    await database.withOrg(org.id, async (tx) => {
      for (const code of ['RP-A', 'RP-B']) await saveEnrolment(tx, org.id, { participantId: code, activityCode: 'ACT-PERSONS', role: 'resource_person' });
    });
    let reads = 0;
    const source: ResourcePersonSource = { resourcePersonsOf: (tx, activityId) => (reads++, resourcePersonsFromEnrolments.resourcePersonsOf(tx, activityId)) };
    const send = (submission: Parameters<typeof submit>[2]) =>
      database.withOrg(org.id, async (tx) => {
        const [link] = await rows<{ id: string }>(tx, sql`select id from collection_links where token = ${token}`);
        return submit(tx, await loadCollection(tx, link!.id, source, { deferResourcePersons: true }), submission);
      });
    const trainerRows = (responseId: string) =>
      rows<{ item_index: number; resource_person_id: string; numeric_value: number }>(
        database.system,
        sql`select item_index, resource_person_id, numeric_value from answers where response_id = ${responseId} and question_key = 'eoa_trainer_rating' order by item_index`,
      );

    const plain = await send({ clientSubmissionId: randomUUID(), answers: eoaAnswers, final: true });
    assert.equal(plain.outcome, 'completed');
    assert.equal(reads, 0);
    assert.deepEqual(plain.response.data.repeats, { eoa_trainers: [] });

    const rated = await send({ clientSubmissionId: randomUUID(), answers: eoaAnswers, repeats: { eoa_trainers: [{ resourcePersonId: persons[1]!.id, answers: { eoa_trainer_rating: 5 } }] }, final: true });
    assert.equal(rated.outcome, 'completed');
    assert.equal(reads, 1);
    assert.deepEqual(await trainerRows(rated.response.id), [{ item_index: 2, resource_person_id: persons[1]!.id, numeric_value: 5 }]);

    const stranger = await send({ clientSubmissionId: randomUUID(), answers: eoaAnswers, repeats: { eoa_trainers: [{ resourcePersonId: randomUUID(), answers: { eoa_trainer_rating: 5 } }] }, final: true });
    assert.equal(stranger.outcome, 'invalid');

    // Rated in a partial save, then completed without sending the ratings again: they are kept.
    const id = randomUUID();
    await send({ clientSubmissionId: id, repeats: { eoa_trainers: [{ resourcePersonId: persons[0]!.id, answers: { eoa_trainer_rating: 3 } }] }, final: false });
    reads = 0;
    const completed = await send({ clientSubmissionId: id, answers: eoaAnswers, final: true });
    assert.equal(completed.outcome, 'completed');
    assert.equal(reads, 1);
    assert.deepEqual(await trainerRows(completed.response.id), [{ item_index: 1, resource_person_id: persons[0]!.id, numeric_value: 3 }]);
  });

  it('stores knowledge scores so that paired pre/post gains are one SQL query', async () => {
    const choices = [{ code: 'a', label: { en: 'A' } }, { code: 'b', label: { en: 'B' } }];
    const items = [1, 2, 3, 4].map((n) => ({ key: `k${n}`, label: { en: `Item ${n}` }, choices, correct: ['a'] }));
    const ids: Record<string, string> = {};
    for (const purpose of ['pre_test', 'post_test'] as const) {
      const created = await evaluator.post<{ id: string }>('/api/instruments', { key: purpose, purpose, definition: knowledgeTest(purpose, { en: purpose }, items) });
      assert.equal(created.status, 201, created.text);
      await evaluator.post(`/api/instruments/${created.body.id}/versions`);
      ids[purpose] = created.body.id;
    }
    const participant = await newParticipant('P-TESTED');
    const answer = async (purpose: string, correct: number) => {
      const link = await evaluator.post<{ token: string }>(`/api/instruments/${ids[purpose]}/links`, {});
      const answers = Object.fromEntries(items.map((item, i) => [item.key, i < correct ? 'a' : 'b']));
      return database.withOrg(org.id, async (tx) => {
        const [row] = await rows<{ id: string }>(tx, sql`select id from collection_links where token = ${link.body.token}`);
        const collection = await loadCollection(tx, row!.id, noPersons);
        return submit(tx, collection, { clientSubmissionId: randomUUID(), answers, final: true, participantId: participant });
      });
    };
    await answer('pre_test', 1);
    await answer('post_test', 3);
    const [gain] = await rows<{ gain: number; from_answers: number }>(
      database.system,
      sql`select post.score / post.max_score - pre.score / pre.max_score as gain,
                 (select sum(numeric_value) from answers a where a.org_id = post.org_id and a.response_id = post.id and a.purpose = 'post_test') as from_answers
            from responses pre join responses post on post.org_id = pre.org_id and post.participant_id = pre.participant_id
           where pre.instrument_id = ${ids.pre_test} and post.instrument_id = ${ids.post_test}`,
    );
    assert.deepEqual(gain, { gain: 0.5, from_answers: 3 });
  });
});

const noPersons: ResourcePersonSource = { resourcePersonsOf: async () => [] };
