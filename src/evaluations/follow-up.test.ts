// Service-level rules on a real database: overdue logic under a controllable clock, recurrence
// detection, live indicator evidence, lesson search in three languages and the public catalogue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { withPublic } from '../db/public-access.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, type TestOrg } from '../testing/http.ts';
import type { IndicatorResultSource } from './indicator-results.ts';
import { indicatorEngineNotAvailable } from './indicator-results.ts';
import type { IndicatorLink } from './schema.ts';
import * as service from './service.ts';

const clockAt = (day: string): service.Clock => () => new Date(`${day}T12:00:00Z`);

/** A stand-in for the analytics engine: answers for one KPI, and its value can change. */
class FakeIndicators implements IndicatorResultSource {
  value = 0.62;
  async resultFor(link: IndicatorLink) {
    if (link.indicatorKey !== 'knowledge_application_rate') return { available: false as const, reason: 'unknown indicator' };
    return { available: true as const, value: this.value, ciLow: this.value - 0.05, ciHigh: this.value + 0.05, n: 120 };
  }
}

describe('follow-up rules', () => {
  let database: Database;
  let org: TestOrg;
  let other: TestOrg;
  let firstEvaluationId: string;
  let secondEvaluationId: string;

  const inOrg = <T>(work: (tx: Parameters<Parameters<Database['withOrg']>[1]>[0]) => Promise<T>) => database.withOrg(org.id, work);

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'follow-up');
    other = await createTestOrg(database, 'other-centre');
    await inOrg(async (tx) => {
      const first = await service.createEvaluation(tx, org.id, { title: 'Labour migration 2019', mode: 'independent', kind: 'thematic' });
      const second = await service.createEvaluation(tx, org.id, { title: 'Training activities 2023', mode: 'independent', kind: 'annual_training' });
      firstEvaluationId = first.id;
      secondEvaluationId = second.id;
      const addAccepted = async (evaluationId: string, text: string) => {
        const rec = await service.addRecommendation(tx, org.id, evaluationId, { text });
        return service.respondToRecommendation(tx, rec.id, { decision: 'accepted', text: 'Agreed', date: '2019-10-25' });
      };
      const recurring1 = await addAccepted(
        first.id,
        'Build implementation and impact monitoring into the agendas of constituent organisations so that monitoring is conducted where learning is applied',
      );
      await addAccepted(
        second.id,
        'Build impact monitoring into the agendas of constituent organizations so that monitoring is conducted where the learning is applied',
      );
      await addAccepted(second.id, 'Develop a targeted communication campaign for policy-level decision makers');
      await addAccepted(first.id, 'Define a strategic, programmatic approach for training in the field of migration');

      const action = (description: string, dueDate: string, responsibleUnit = 'SPGT') =>
        service.addAction(tx, org.id, recurring1.id, { description, responsibleUnit, dueDate });
      await action('Not started, due in the past', '2020-03-31');
      const inProgress = await action('In progress, due in the past', '2020-06-30', 'PRODEV');
      await service.addProgressUpdate(tx, org.id, inProgress.id, { on: '2020-05-01', text: 'Mapping started', statusAfter: 'in_progress' }, clockAt('2020-05-01'));
      await action('Due in the future', '2021-12-31');
      const late = await action('Completed late', '2020-01-31');
      await service.addProgressUpdate(tx, org.id, late.id, { on: '2020-02-15', text: 'Done', statusAfter: 'completed' }, clockAt('2020-02-15'));
      const onTime = await action('Completed on time', '2020-12-31');
      await service.addProgressUpdate(tx, org.id, onTime.id, { on: '2020-11-01', text: 'Done', statusAfter: 'completed' }, clockAt('2020-11-01'));
      const dropped = await action('Dropped', '2020-02-28');
      await service.updateAction(tx, dropped.id, { status: 'no_longer_applicable' });

      await service.addFinding(tx, org.id, first.id, {
        criterion: 'effectiveness',
        text: 'Participants applied what they learned',
        evidence: [{ indicatorKey: 'knowledge_application_rate', period: '2018', filters: { topic: 'labour migration' } }],
      });
    });
  });
  after(() => database.close());

  it('counts as overdue exactly the open actions whose due date has passed, on the clock’s day', async () => {
    const at = (day: string) => inOrg((tx) => service.followUpDashboard(tx, {}, { clock: clockAt(day) }));
    const early = await at('2020-01-15');
    assert.deepEqual(early.overdueByUnit, []);
    const mid = await at('2020-07-01');
    assert.deepEqual(
      mid.overdueByUnit.map(({ unit, actions }) => [unit, actions.map((a) => [a.description, a.daysOverdue])]),
      [
        ['PRODEV', [['In progress, due in the past', 1]]],
        ['SPGT', [['Not started, due in the past', 92]]],
      ],
    );
    const late = await at('2022-01-01');
    assert.equal(late.overdueByUnit.flatMap((u) => u.actions).length, 3, 'the future one is overdue once its date passes');
    assert.equal(late.completedOnTimeRate, 0.5);
    const byStatus = Object.fromEntries(late.actionsByStatus.map((row) => [row.status, row.count]));
    assert.deepEqual(byStatus, { not_started: 2, in_progress: 1, completed: 2, no_longer_applicable: 1 });
    const perUnit = await inOrg((tx) => service.followUpDashboard(tx, { unit: 'PRODEV' }, { clock: clockAt('2022-01-01') }));
    assert.deepEqual(perUnit.overdueByUnit.map((u) => u.unit), ['PRODEV']);
  });

  it('marks overdue actions in an evaluation’s dossier', async () => {
    const dossier = await inOrg((tx) => service.getDossier(tx, firstEvaluationId, { clock: clockAt('2020-07-01'), indicators: indicatorEngineNotAvailable }));
    const flags = Object.fromEntries(dossier.recommendations.flatMap((r) => r.actions).map((a) => [a.description, a.overdue]));
    assert.deepEqual(flags, {
      'Completed late': false,
      'Dropped': false,
      'Not started, due in the past': true,
      'In progress, due in the past': true,
      'Completed on time': false,
      'Due in the future': false,
    });
  });

  it('finds recommendations that recur across evaluations, and not unrelated ones', async () => {
    const dashboard = await inOrg((tx) => service.followUpDashboard(tx, {}, { clock: clockAt('2022-01-01') }));
    assert.equal(dashboard.recurring.length, 1, JSON.stringify(dashboard.recurring));
    const [pair] = dashboard.recurring;
    assert.deepEqual(new Set([pair!.firstEvaluationId, pair!.secondEvaluationId]), new Set([firstEvaluationId, secondEvaluationId]));
    assert.match(pair!.firstText, /impact monitoring/);
    assert.ok(pair!.similarity >= service.DEFAULT_RECURRENCE_THRESHOLD && pair!.similarity <= 1);
  });

  it('resolves indicator evidence live each time a finding is shown', async () => {
    const indicators = new FakeIndicators();
    const show = () => inOrg((tx) => service.getDossier(tx, firstEvaluationId, { clock: clockAt('2022-01-01'), indicators }));
    const before = (await show()).findings[0]!.evidenceResults[0]!.result;
    assert.deepEqual(before, { available: true, value: 0.62, ciLow: 0.57, ciHigh: 0.67, n: 120 });
    indicators.value = 0.7;
    const now = (await show()).findings[0]!.evidenceResults[0]!.result;
    assert.equal(now.available && now.value, 0.7);
    const unwired = await inOrg((tx) => service.getDossier(tx, firstEvaluationId, { clock: clockAt('2022-01-01'), indicators: indicatorEngineNotAvailable }));
    assert.deepEqual(unwired.findings[0]!.evidenceResults[0]!.result, { available: false, reason: 'indicator engine not available' });
  });

  describe('lessons library', () => {
    before(async () => {
      const clock = clockAt('2024-01-01');
      await inOrg(async (tx) => {
        await service.addLesson(tx, org.id, { kind: 'lesson_learned', language: 'en', title: 'Government buy-in', text: 'Governments committing early ensured sustainability of the referral services', themes: ['sustainability'], countries: ['Thailand'], published: true, evaluationId: firstEvaluationId }, clock);
        await service.addLesson(tx, org.id, { kind: 'good_practice', language: 'fr', title: 'Plans stratégiques intégrés', text: 'Les plans de migration et de développement élaborés avec les travailleurs migrants et leurs familles', themes: ['planning'], countries: ['Philippines'], published: true }, clock);
        await service.addLesson(tx, org.id, { kind: 'lesson_learned', language: 'es', title: 'Redes locales', text: 'Las redes de organizaciones locales mejoraron la reintegración económica de los retornados', themes: ['reintegration'], countries: ['Philippines'], published: false }, clock);
      });
      await database.withOrg(other.id, (tx) =>
        service.addLesson(tx, other.id, { kind: 'lesson_learned', language: 'en', title: 'Private note of other-centre', text: 'Governments committed nothing here', published: false }, clock),
      );
    });

    const search = (text: string) => inOrg((tx) => service.searchLessons(tx, { text }, { publicView: false }));

    it('searches English, French and Spanish with stemming and without accents', async () => {
      assert.deepEqual((await search('government commitment')).hits.map((h) => h.title), ['Government buy-in']);
      assert.deepEqual((await search('travailleur migrant developpement')).hits.map((h) => h.title), ['Plans stratégiques intégrés']);
      assert.deepEqual((await search('reintegracion economica')).hits.map((h) => h.title), ['Redes locales']);
      assert.deepEqual((await search('nothing matches this')).hits, []);
    });

    it('gives facets and filters by them', async () => {
      const all = await inOrg((tx) => service.searchLessons(tx, {}, { publicView: false }));
      assert.deepEqual(all.facets.countries, [{ value: 'Philippines', count: 2 }, { value: 'Thailand', count: 1 }]);
      assert.deepEqual(all.facets.kind, [{ value: 'lesson_learned', count: 2 }, { value: 'good_practice', count: 1 }]);
      const filtered = await inOrg((tx) => service.searchLessons(tx, { country: 'Philippines', kind: 'good_practice' }, { publicView: false }));
      assert.deepEqual(filtered.hits.map((h) => h.language), ['fr']);
    });

    it('shows the public only published lessons, across organisations, without private columns', async () => {
      const published = await withPublic(database, (tx) => service.searchLessons(tx, {}, { publicView: true }));
      assert.deepEqual(published.hits.map((h) => h.title).sort(), ['Government buy-in', 'Plans stratégiques intégrés']);
      assert.ok(published.hits.every((h) => h.evaluationId === null && h.organisation === `Organisation ${org.slug}`));
      const forbidden = await withPublic(database, (tx) => rows(tx, sql`select evaluation_id from evaluation_lessons`)).catch((error: Error) => error);
      assert.ok(forbidden instanceof Error, 'the public role cannot read private columns');
      const unpublishedCount = await withPublic(database, (tx) => rows<{ n: number }>(tx, sql`select count(*)::int as n from evaluation_lessons where not published`));
      assert.equal(unpublishedCount[0]!.n, 0);
      const otherOrgs = await withPublic(database, (tx) => rows<{ name: string }>(tx, sql`select name from organisations`));
      assert.deepEqual(otherOrgs.map((o) => o.name), [`Organisation ${org.slug}`]);
      const privateTables = await withPublic(database, (tx) => rows(tx, sql`select * from recommendations`)).catch((error: Error) => error);
      assert.ok(privateTables instanceof Error);
    });
  });
});
