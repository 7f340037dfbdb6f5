// Every question type against validation, relevance, constraints, calculations, scores and rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endOfActivity, followUp, knowledgeTest } from '../instruments/bank.ts';
import type { InstrumentDefinition } from '../instruments/model.ts';
import { answerRows, coerce, knowledgeScore, validateResponse } from './answers.ts';

const l = (en: string) => ({ en });
const choices = [{ code: 'a', label: l('A') }, { code: 'b', label: l('B') }, { code: 'c', label: l('C') }];

const everyType: InstrumentDefinition = {
  title: l('All types'),
  languages: ['en'],
  pages: [
    {
      kind: 'group',
      key: 'p1',
      label: l('Page 1'),
      questions: [
        { key: 'single', type: 'single_choice', label: l('Single'), choices, required: true },
        { key: 'multi', type: 'multiple_choice', label: l('Multi'), choices, constraint: 'count-selected(.) <= 2' },
        { key: 'agree', type: 'scale', label: l('Agree'), choices },
        { key: 'rate', type: 'rating', label: l('Rate'), max: 5 },
        { key: 'age', type: 'integer', label: l('Age'), min: 15, max: 99 },
        { key: 'share', type: 'decimal', label: l('Share'), constraint: '. >= 0 and . <= 1', constraintMessage: l('Between 0 and 1') },
        { key: 'when', type: 'date', label: l('When') },
        { key: 'name', type: 'text', long: false, label: l('Name') },
        { key: 'story', type: 'text', long: true, label: l('Story'), relevant: "${single} = 'b'" },
        { key: 'intro', type: 'note', label: l('Note') },
        { key: 'k1', type: 'knowledge', label: l('K1'), choices, correct: ['b'], multiple: false, points: 2 },
        { key: 'k2', type: 'knowledge', label: l('K2'), choices, correct: ['a', 'c'], multiple: true, points: 1 },
        { key: 'grid', type: 'matrix', label: l('Grid'), rows: [{ key: 'r1', label: l('R1') }, { key: 'r2', label: l('R2') }], choices },
        { key: 'double_age', type: 'calculate', label: l(''), calculation: '${age} * 2' },
      ],
    },
  ],
};

const options = { enforceRequired: true, resourcePersonIds: [] };

describe('answer coercion per question type', () => {
  const byKey = Object.fromEntries(everyType.pages[0]!.questions.map((q) => [q.key, q]));
  const cases: Array<[string, unknown, unknown]> = [
    ['single', 'a', { value: 'a' }],
    ['single', 'z', { issue: 'not_a_choice' }],
    ['multi', ['a', 'b', 'a'], { value: ['a', 'b'] }],
    ['multi', 'a c', { value: ['a', 'c'] }],
    ['multi', ['x'], { issue: 'not_a_choice' }],
    ['agree', 'c', { value: 'c' }],
    ['rate', '5', { value: 5 }],
    ['rate', 6, { issue: 'out_of_range' }],
    ['rate', '2.5', { issue: 'not_an_integer' }],
    ['age', 'ten', { issue: 'not_a_number' }],
    ['age', 14, { issue: 'out_of_range' }],
    ['share', '0.25', { value: 0.25 }],
    ['when', '2026-02-30', { issue: 'not_a_date' }],
    ['when', '2026-02-28', { value: '2026-02-28' }],
    ['name', '  Ana ', { value: 'Ana' }],
    ['name', 'x'.repeat(2001), { issue: 'too_long' }],
    ['name', '', { value: undefined }],
    ['k1', 'b', { value: 'b' }],
    ['k2', ['a', 'c'], { value: ['a', 'c'] }],
    ['grid', 'b', { value: 'b' }],
    ['intro', 'anything', { value: undefined }],
  ];
  for (const [key, raw, expected] of cases) {
    it(`${key} ← ${JSON.stringify(raw).slice(0, 30)}`, () => assert.deepEqual(coerce(byKey[key]!, raw), expected));
  }
});

describe('validation of a whole response', () => {
  it('accepts a complete, valid response, computes calculations, scores knowledge items and flattens rows', () => {
    const { data, issues } = validateResponse(
      everyType,
      { answers: { single: 'b', multi: ['a', 'c'], agree: 'c', rate: 4, age: 30, share: 0.5, when: '2026-01-02', name: 'Ana', story: 'Long', k1: 'b', k2: ['c', 'a'], 'grid/r1': 'a', 'grid/r2': 'c' } },
      undefined,
      options,
    );
    assert.deepEqual(issues, []);
    assert.equal(data.answers.double_age, 60);
    assert.deepEqual(knowledgeScore(everyType, data), { score: 3, maxScore: 3 });
    const rows = answerRows(everyType, data);
    assert.deepEqual(rows.filter((r) => r.questionKey === 'multi').map((r) => r.choiceCode), ['a', 'c']);
    assert.deepEqual(rows.find((r) => r.questionKey === 'agree'), { position: 3, questionKey: 'agree', itemIndex: 0, resourcePersonId: null, choiceCode: 'c', numericValue: 3, textValue: null });
    assert.equal(rows.find((r) => r.questionKey === 'grid/r2')!.numericValue, 3);
    assert.equal(rows.filter((r) => r.questionKey === 'k2').reduce((sum, r) => sum + (r.numericValue ?? 0), 0), 1);
    assert.equal(rows.find((r) => r.questionKey === 'when')!.textValue, '2026-01-02');
    assert.equal(rows.find((r) => r.questionKey === 'double_age')!.numericValue, 60);
    assert.deepEqual(new Set(rows.map((r) => r.position)).size, rows.length);
  });

  it('reports required, constraint (with the form’s message) and type issues, keeping the valid answers', () => {
    const { data, issues } = validateResponse(everyType, { answers: { multi: ['a', 'b', 'c'], share: 2, age: 'x', name: 'Ana' } }, undefined, options);
    assert.deepEqual(
      issues.map((i) => [i.key, i.code]),
      [['age', 'not_a_number'], ['single', 'required'], ['multi', 'constraint'], ['share', 'constraint']],
    );
    assert.deepEqual(issues.find((i) => i.key === 'share')!.constraintMessage, l('Between 0 and 1'));
    assert.deepEqual(data.answers, { name: 'Ana' });
  });

  it('drops answers to questions that are not relevant, and keeps stored answers not in the submission', () => {
    const { data } = validateResponse(everyType, { answers: { single: 'a', story: 'should go' } }, { answers: { name: 'Kept' } }, options);
    assert.equal(data.answers.story, undefined);
    assert.equal(data.answers.name, 'Kept');
  });

  it('refuses unknown questions', () => {
    const { issues } = validateResponse(everyType, { answers: { single: 'a', nope: 1 } }, undefined, options);
    assert.deepEqual(issues.map((i) => [i.key, i.code]), [['nope', 'unknown_question']]);
  });

  it('does not enforce required answers on a partial save', () => {
    const { issues } = validateResponse(everyType, { answers: { name: 'Ana' } }, undefined, { ...options, enforceRequired: false });
    assert.deepEqual(issues, []);
  });

  it('rates each resource person in a repeat block, refusing persons not of the activity', () => {
    const persons = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    const answers = { eoa_relevance: 'agree', eoa_theory_practice: 'agree', eoa_can_apply: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 5 };
    const { data, issues } = validateResponse(
      endOfActivity,
      { answers, repeats: { eoa_trainers: [{ resourcePersonId: persons[1]!, answers: { eoa_trainer_rating: 4 } }, { resourcePersonId: '33333333-3333-4333-8333-333333333333', answers: {} }] } },
      undefined,
      { ...options, resourcePersonIds: persons },
    );
    assert.deepEqual(issues.map((i) => i.code), ['unknown_resource_person']);
    const rows = answerRows(endOfActivity, data).filter((r) => r.questionKey === 'eoa_trainer_rating');
    assert.deepEqual(rows.map((r) => [r.itemIndex, r.resourcePersonId, r.numericValue]), [[2, persons[1], 4]]);
  });

  it('the bank’s follow-up rules: "none" alone, and how many people only when knowledge was shared', () => {
    const base = { fu_needs_met: 'fully', fu_use: 'not_used', fu_competence_change: 'small', fu_performance_change: 'none', fu_shared_knowledge: 'yes' };
    const { issues } = validateResponse(followUp, { answers: { ...base, fu_tangible_change: ['none', 'policy'] } }, undefined, options);
    assert.deepEqual(issues.map((i) => [i.key, i.code]), [['fu_tangible_change', 'constraint'], ['fu_shared_count', 'required']]);
    const ok = validateResponse(followUp, { answers: { ...base, fu_shared_knowledge: 'no', fu_shared_count: 3, fu_application_example: 'x' } }, undefined, options);
    assert.deepEqual(ok.issues, []);
    assert.equal(ok.data.answers.fu_shared_count, undefined);
    assert.equal(ok.data.answers.fu_application_example, undefined);
  });

  it('scores a knowledge test with partial knowledge', () => {
    const test = knowledgeTest('pre_test', l('Pre-test'), [
      { key: 'q1', label: l('Q1'), choices, correct: ['a'] },
      { key: 'q2', label: l('Q2'), choices, correct: ['b', 'c'], points: 2 },
    ]);
    assert.deepEqual(knowledgeScore(test, { answers: { q1: 'a', q2: ['b'] } }), { score: 1, maxScore: 3 });
    assert.equal(knowledgeScore(endOfActivity, { answers: {} }), null);
  });
});

describe('repeats the respondent fills, repeat_count and choice_filter', () => {
  const household: InstrumentDefinition = {
    title: l('Household'),
    languages: ['en'],
    pages: [
      {
        kind: 'group',
        key: 'head',
        label: l('Head'),
        questions: [
          { key: 'size', type: 'integer', label: l('Size') },
          { key: 'state', type: 'single_choice', label: l('State'), choices: [{ code: 'tx', label: l('Texas') }, { code: 'wa', label: l('Washington') }] },
          {
            key: 'county',
            type: 'multiple_choice',
            label: l('Counties'),
            choiceFilter: 'st = ${state}',
            choices: [
              { code: 'king', label: l('King'), columns: { st: 'wa' } },
              { code: 'king', label: l('King'), columns: { st: 'tx' } },
              { code: 'cameron', label: l('Cameron'), columns: { st: 'tx' } },
            ],
          },
        ],
      },
      {
        kind: 'repeat',
        key: 'members',
        label: l('Member'),
        questions: [
          { key: 'age', type: 'integer', label: l('Age'), required: true, constraint: '. < 120' },
          { key: 'school', type: 'single_choice', label: l('School?'), relevant: '${age} < 18 and ${size} > 1', choices },
          { key: 'twice', type: 'calculate', label: l(''), calculation: '${age} * 2' },
        ],
      },
      { kind: 'repeat', key: 'rooms', label: l('Room'), count: '${size} - 1', questions: [{ key: 'area', type: 'decimal', label: l('Area') }] },
    ],
  };

  it('checks each item on its own: siblings by ${name}, answers outside the repeat, required and constraints per item', () => {
    const { data, issues } = validateResponse(
      household,
      { answers: { size: 3 }, repeats: { members: [{ answers: { age: 40, school: 'a' } }, { answers: { age: 9, school: 'b' } }, { answers: { age: 130 } }, { answers: {} }] } },
      undefined,
      options,
    );
    assert.deepEqual(data.repeats?.members, [{ answers: { age: 40, twice: 80 } }, { answers: { age: 9, school: 'b', twice: 18 } }, { answers: {} }, { answers: {} }]);
    assert.deepEqual(
      issues.map((i) => [i.key, i.itemIndex, i.code]),
      [['age', 3, 'constraint'], ['age', 4, 'required']],
    );
  });

  it('replaces the stored items when the submission names the repeat, keeps them otherwise; refuses unknown keys and too many items', () => {
    const stored = { answers: { size: 1 }, repeats: { members: [{ answers: { age: 30 } }, { answers: { age: 31 } }] } };
    assert.deepEqual(validateResponse(household, { answers: { size: 1 } }, stored, { ...options, enforceRequired: false }).data.repeats?.members, [{ answers: { age: 30, twice: 60 } }, { answers: { age: 31, twice: 62 } }]);
    assert.deepEqual(validateResponse(household, { repeats: { members: [{ answers: { age: 31 } }] } }, stored, { ...options, enforceRequired: false }).data.repeats?.members, [{ answers: { age: 31, twice: 62 } }]);
    const { issues } = validateResponse(household, { answers: { age: 3 }, repeats: { members: [{ answers: { size: 2 } }, ...Array.from({ length: 100 }, () => ({ answers: {} }))] } }, undefined, { ...options, enforceRequired: false });
    assert.deepEqual(issues.map((i) => [i.key, i.itemIndex, i.code]), [['age', 0, 'unknown_question'], ['members', 0, 'too_many_items'], ['size', 1, 'unknown_question']]);
  });

  it('repeat_count sets the number of items from the answers (extra items dropped, missing ones empty)', () => {
    const rooms = (size: number, items: number) =>
      validateResponse(household, { answers: { size }, repeats: { rooms: Array.from({ length: items }, (_, i) => ({ answers: { area: i + 1 } })) } }, undefined, { ...options, enforceRequired: false }).data.repeats?.rooms;
    assert.deepEqual(rooms(3, 5), [{ answers: { area: 1 } }, { answers: { area: 2 } }]);
    assert.deepEqual(rooms(4, 1), [{ answers: { area: 1 } }, { answers: {} }, { answers: {} }]);
    assert.deepEqual(rooms(0, 2), []);
  });

  it('accepts only the choices the choice_filter offers for the answers given (a code may appear under several columns)', () => {
    const county = (state: string, codes: string[]) => validateResponse(household, { answers: { state, county: codes } }, undefined, { ...options, enforceRequired: false });
    assert.deepEqual(county('tx', ['king', 'cameron']).data.answers.county, ['king', 'cameron']);
    assert.deepEqual(county('wa', ['king']).data.answers.county, ['king']);
    const refused = county('wa', ['king', 'cameron']);
    assert.equal(refused.data.answers.county, undefined);
    assert.deepEqual(refused.issues.map((i) => [i.key, i.code]), [['county', 'not_a_choice']]);
  });

  it('writes one row per item with item_index = position and no resource person', () => {
    const { data } = validateResponse(household, { answers: { size: 2 }, repeats: { members: [{ answers: { age: 40 } }, { answers: { age: 9, school: 'c' } }], rooms: [{ answers: { area: 12.5 } }] } }, undefined, options);
    const rows = answerRows(household, data).filter((row) => row.itemIndex > 0);
    assert.deepEqual(
      rows.map((r) => [r.questionKey, r.itemIndex, r.resourcePersonId, r.choiceCode, r.numericValue]),
      [['age', 1, null, null, 40], ['twice', 1, null, null, 80], ['age', 2, null, null, 9], ['school', 2, null, 'c', null], ['twice', 2, null, null, 18], ['area', 1, null, null, 12.5]],
    );
  });
});
