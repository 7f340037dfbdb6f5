// Fuzzing the public submission API over real HTTP (fast-check): any body — malformed JSON,
// wrong types, unknown questions, hostile text, huge numbers — gets a 2xx or a 4xx problem,
// never a 5xx; a refusal never completes a response or writes analytics rows, and refusals other than
// invalid answers (whose valid part is kept as a partial response) write nothing at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { rows, type Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { fuzzParameters, HOSTILE_SNIPPETS } from '../testing/fuzz.ts';
import { createTestOrg, startTestServer, TestClient, type TestServer } from '../testing/http.ts';

const QUESTION_KEYS = ['eoa_relevance', 'eoa_theory_practice', 'eoa_can_apply', 'eoa_needs_met', 'eoa_overall', 'eoa_comments', 'not_a_question', '__proto__', 'constructor'];
const CODES = ['agree', 'strongly_agree', 'neutral', 'fully', 'great_extent', 'nonsense'];

const answerValue = fc.oneof(
  fc.constantFrom(...CODES),
  fc.constantFrom(...HOSTILE_SNIPPETS),
  fc.integer({ min: -10, max: 10 }),
  fc.double(),
  fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom(...CODES), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

const structuredBody = fc.record(
  {
    clientSubmissionId: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)),
    answers: fc.oneof(fc.dictionary(fc.constantFrom(...QUESTION_KEYS), answerValue, { maxKeys: 8 }), fc.jsonValue(), fc.constant(null)),
    final: fc.oneof(fc.boolean(), fc.constantFrom('yes', 1, null)),
    language: fc.constantFrom('en', 'fr', 'es', 'xx', 42),
  },
  { requiredKeys: [] },
);

describe('the submission API under arbitrary bodies', () => {
  let database: Database;
  let server: TestServer;
  let token: string;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'fuzz-subm');
    server = await startTestServer(database);
    const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    const activity = await evaluator.post<{ id: string }>('/api/activities', { code: 'FUZZ-1', title: 'Fuzzing course', modality: 'online_tutored' });
    assert.ok(activity.status < 300, activity.text);
    const instrument = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'end_of_activity', key: 'eoa_fuzz' });
    assert.equal(instrument.status, 201, instrument.text);
    assert.equal((await evaluator.post(`/api/instruments/${instrument.body.id}/versions`)).status, 201);
    const link = await evaluator.post<{ token: string }>(`/api/instruments/${instrument.body.id}/links`, { activityId: activity.body.id });
    assert.equal(link.status, 201, link.text);
    token = link.body.token;
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  /** Everything stored, and what a refusal of invalid answers may still change: the partial responses it keeps. */
  async function stored(): Promise<{ all: string; completed: string }> {
    const [row] = await rows<{ all: string; completed: string }>(
      database.system,
      sql`select coalesce(string_agg(id::text || ':' || status || ':' || md5(data::text), ',' order by id), '') as all,
                 coalesce(string_agg(id::text || ':' || md5(data::text), ',' order by id) filter (where status = 'complete'), '')
                   || ':' || (select count(*)::int from answers) as completed
            from responses`,
    );
    return row!;
  }

  it('answers 2xx or 4xx, and a refusal completes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: structuredBody.map((body) => ({ payload: JSON.stringify(body), type: 'application/json' })) },
          fc.string({ maxLength: 200 }).map((text) => ({ payload: text, type: 'application/json' })),
          fc.string({ maxLength: 200 }).map((text) => ({ payload: text, type: 'application/x-www-form-urlencoded' })),
          fc.constant({ payload: 'x'.repeat(2_000_000), type: 'application/json' }),
        ),
        async ({ payload, type }) => {
          const before = await stored();
          const response = await fetch(`${server.url}/r/${token}/submissions`, { method: 'POST', headers: { 'content-type': type }, body: payload });
          const text = await response.text();
          assert.ok(response.status < 500, `${response.status} for ${payload.slice(0, 200)}: ${text.slice(0, 300)}`);
          const after = await stored();
          // Invalid answers (422) keep the valid part as a partial response, so that nothing typed is lost;
          // they never complete a response nor write analytics rows. Any other refusal writes nothing.
          if (response.status === 422) assert.equal(after.completed, before.completed, 'a refusal of invalid answers completes nothing');
          else if (response.status >= 400) assert.equal(after.all, before.all, `a ${response.status} refusal must not write`);
        },
      ),
      fuzzParameters(120),
    );
  });
});
