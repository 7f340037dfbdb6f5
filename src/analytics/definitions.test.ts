import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitionKinds, standardIndicators, statisticOf, validateDefinition } from './definitions.ts';
import { assertDimensionValue, dimensionKeys, dimensions, DimensionError, parseBreakdown } from './dimensions.ts';
import { cohortYear, formatPeriod, parsePeriod, periodContains, PeriodError, periodYears } from './periods.ts';

describe('indicator definitions', () => {
  it('ship the standard set of issue 6 §2, each valid and named in three languages', () => {
    const keys = standardIndicators.map((indicator) => indicator.key);
    for (const key of [
      'relevance', 'theory_to_practice', 'can_apply', 'application_examples', 'needs_met', 'knowledge_application',
      'competence_improvement', 'performance_improvement', 'tangible_change', 'knowledge_gain', 'knowledge_acquisition',
      'response_rate', 'women_share', 'ldc_share', 'social_partner_share', 'cost_per_completion', 'cost_per_application',
    ]) {
      assert.ok(keys.includes(key), `standard set lacks ${key}`);
    }
    assert.equal(new Set(keys).size, keys.length);
    for (const indicator of standardIndicators) {
      const validation = validateDefinition(indicator.definition);
      assert.ok(validation.ok, `${indicator.key}: ${JSON.stringify(!validation.ok && validation.errors)}`);
      for (const lang of ['en', 'fr', 'es'] as const) {
        assert.ok(indicator.names[lang].length > 0 && indicator.descriptions[lang].length > 0, `${indicator.key} ${lang}`);
      }
      const expectedUnit = { share: ['share'], mean: ['score', 'normalised_gain'], ratio: ['currency'] }[statisticOf(indicator.definition)];
      assert.ok(expectedUnit.includes(indicator.unit), `${indicator.key}: unit ${indicator.unit}`);
    }
    const byKey = Object.fromEntries(standardIndicators.map((indicator) => [indicator.key, indicator]));
    assert.deepEqual(byKey.needs_met!.definition, {
      kind: 'answer_in_set',
      questions: ['fu_needs_met', 'eoa_needs_met'],
      values: ['fully', 'great_extent', 'sufficiently'],
    });
    assert.equal(byKey.cost_per_completion!.direction, 'lower_is_better');
    assert.equal(byKey.cost_per_completion!.criterion, 'efficiency');
    assert.equal(byKey.knowledge_gain!.level, 2);
  });

  it('name the offending field when a definition is wrong', () => {
    assert.deepEqual(validateDefinition({ kind: 'median' }, 'body/definition'), {
      ok: false,
      errors: [{ field: 'body/definition/kind', message: `must be one of ${definitionKinds.join(', ')}` }],
    });
    const missing = validateDefinition({ kind: 'answer_in_set', questions: ['eoa_relevance'] });
    assert.ok(!missing.ok && missing.errors.some((e) => e.field === 'definition/values'));
    const empty = validateDefinition({ kind: 'answer_in_set', questions: [], values: ['agree'] });
    assert.ok(!empty.ok && empty.errors.some((e) => e.field === 'definition/questions'));
    const badKey = validateDefinition({ kind: 'mean', question: 'Not A Key' });
    assert.ok(!badKey.ok && badKey.errors.some((e) => e.field === 'definition/question'));
    const extra = validateDefinition({ kind: 'cost_per_completion', question: 'x' });
    assert.ok(!extra.ok && extra.errors.some((e) => e.field.startsWith('definition')));
    const badStatistic = validateDefinition({ kind: 'paired_gain', statistic: 'median', pre: 'pre_test', post: 'post_test' });
    assert.ok(!badStatistic.ok);
    assert.deepEqual(badStatistic.errors, [{ field: 'definition/statistic', message: 'must be one of mean_gain, mean_normalised_gain, share_improved' }]);
    const badValue = validateDefinition({ kind: 'property_share', dimension: 'gender', values: ['female'] });
    assert.ok(!badValue.ok);
    assert.equal(badValue.errors[0]!.field, 'definition/values/0');
    assert.match(badValue.errors[0]!.message, /woman/);
    assert.ok(validateDefinition({ kind: 'property_share', dimension: 'programme', values: ['migration'] }).ok);
  });
});

describe('periods', () => {
  it('parse a year and a range, and print them back', () => {
    assert.deepEqual(parsePeriod('2023'), { from: 2023, to: 2023 });
    assert.deepEqual(parsePeriod(' 2022-2023 '), { from: 2022, to: 2023 });
    assert.equal(formatPeriod(parsePeriod('2022-2023')), '2022-2023');
    assert.equal(formatPeriod(parsePeriod('2023')), '2023');
    assert.deepEqual(periodYears(parsePeriod('2021-2023')), [2021, 2022, 2023]);
    assert.ok(periodContains(parsePeriod('2022-2023'), 2023));
    assert.ok(!periodContains(parsePeriod('2022-2023'), 2021));
  });

  it('refuse what is not a period, with a message saying what to write', () => {
    for (const text of ['23', '2023-22', '2023-2023', '2024-2023', 'FY2023', '1800', '2023/2024', '']) {
      assert.throws(() => parsePeriod(text), PeriodError, text);
    }
    assert.throws(() => parsePeriod('2023-2023'), /for one year write 2023/);
  });

  it('put a result in the year its activity ended (UTC)', () => {
    assert.equal(cohortYear(new Date('2023-12-31T23:30:00Z')), 2023);
    assert.equal(cohortYear(new Date('2024-01-01T00:00:00Z')), 2024);
  });
});

describe('dimension catalogue', () => {
  it('lists the eleven dimensions with labels in three languages and the fixed codes', () => {
    assert.equal(dimensionKeys.length, 11);
    for (const key of dimensionKeys) {
      for (const lang of ['en', 'fr', 'es'] as const) assert.ok(dimensions[key].labels[lang]);
    }
    const codes = (key: keyof typeof dimensions) => dimensions[key].values?.map((v) => v.code);
    assert.deepEqual(codes('gender'), ['woman', 'man', 'non_binary', 'self_described', 'prefer_not_to_say']);
    assert.deepEqual(codes('constituent_group'), ['government', 'workers', 'employers', 'other']);
    assert.deepEqual(codes('modality'), ['face_to_face', 'online_tutored', 'online_self_paced', 'blended', 'webinar']);
    assert.deepEqual(codes('fee_type'), ['free', 'fee', 'sponsored']);
    assert.deepEqual(codes('disability'), ['with_disability', 'without_disability', 'unknown']);
    assert.deepEqual(codes('region'), ['africa', 'americas', 'asia', 'europe', 'oceania']);
    assert.deepEqual(codes('age_band'), ['under_25', '25_34', '35_44', '45_54', '55_64', '65_plus']);
    assert.equal(dimensions.programme.values, null);
  });

  it('parses --by with at most two known dimensions', () => {
    assert.deepEqual(parseBreakdown('gender,region'), ['gender', 'region']);
    assert.deepEqual(parseBreakdown(undefined), []);
    assert.throws(() => parseBreakdown('gender,colour'), /Unknown dimension colour/);
    assert.throws(() => parseBreakdown('gender,region,modality'), /At most 2/);
    assert.throws(() => parseBreakdown('gender,gender'), /twice/);
    assert.throws(() => assertDimensionValue('modality', 'online'), DimensionError);
    assert.doesNotThrow(() => assertDimensionValue('programme', 'anything'));
  });
});
