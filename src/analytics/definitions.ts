// Indicators as data: what an indicator is (metadata) and how it is computed (a `definition` of
// one of a few kinds, stored as JSONB and validated here), plus the standard set every
// organisation starts with. The engine reads definitions; it never hard-codes an indicator.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FieldIssue } from '../http/problem.ts';
import { dimensionKeys, dimensions, type Localised } from './dimensions.ts';
import { periodBases, type PeriodBasis } from './periods.ts';

export const kirkpatrickLevels = [1, 2, 3, 4] as const;
export type KirkpatrickLevel = (typeof kirkpatrickLevels)[number];

export const dacCriteria = ['relevance', 'coherence', 'effectiveness', 'efficiency', 'impact', 'sustainability'] as const;
export type DacCriterion = (typeof dacCriteria)[number];

export const directions = ['higher_is_better', 'lower_is_better'] as const;
export type Direction = (typeof directions)[number];

/** share: 0–1; score: test points; normalised_gain: (post − pre)/(max − pre); currency: the organisation's. */
export const units = ['share', 'score', 'normalised_gain', 'currency'] as const;
export type Unit = (typeof units)[number];

/** Phases of the learning cycle that instruments belong to. */
export const phases = ['needs', 'pre_test', 'post_test', 'end_of_activity', 'follow_up'] as const;

export const INDICATOR_KEY_PATTERN = '^[a-z][a-z0-9_]{1,62}$';
const QUESTION_KEY_PATTERN = '^[a-z][a-z0-9_]{0,99}$';

/** For route schemas (Ajv): a plain enum, whose error lists the allowed values. */
const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
/** For definition schemas (checked with TypeBox's Value, which knows no plain enum). */
const oneOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Union(values.map((value) => Type.Literal(value)), description ? { description } : {}) as unknown as TSchema & { static: T };
const QuestionKey = Type.String({ pattern: QUESTION_KEY_PATTERN, description: 'question key of an instrument' });
const Codes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100, uniqueItems: true });

// ------------------------------------------------------------------ definition kinds

export const definitionSchemas = {
  /** Share of valid answers whose value is in (or, with any_except, has a value outside) a set. */
  answer_in_set: Type.Object(
    {
      kind: Type.Literal('answer_in_set'),
      questions: Type.Array(QuestionKey, {
        minItems: 1,
        maxItems: 5,
        uniqueItems: true,
        description: 'the first of these questions a respondent answered validly counts',
      }),
      values: Codes,
      match: Type.Optional(oneOf(['any_of', 'any_except'] as const, 'any_of (default): an answer in `values`; any_except: an answer with a value not in `values` (multiple choice)')),
    },
    { additionalProperties: false },
  ),
  /** Share of respondents with a non-empty answer to a text question. */
  text_non_empty: Type.Object(
    { kind: Type.Literal('text_non_empty'), question: QuestionKey, among: Type.Optional(oneOf(phases, 'only respondents of instruments of this phase')) },
    { additionalProperties: false },
  ),
  /** Mean of a numeric or scale question. */
  mean: Type.Object({ kind: Type.Literal('mean'), question: QuestionKey }, { additionalProperties: false }),
  /** Pre/post knowledge test of the same participants. */
  paired_gain: Type.Object(
    {
      kind: Type.Literal('paired_gain'),
      statistic: oneOf(['mean_gain', 'mean_normalised_gain', 'share_improved'] as const),
      pre: oneOf(phases, 'phase of the pre-test instrument'),
      post: oneOf(phases, 'phase of the post-test instrument'),
    },
    { additionalProperties: false },
  ),
  /** Share of participants whose property (a dimension) takes one of the values. */
  property_share: Type.Object(
    { kind: Type.Literal('property_share'), dimension: oneOf(dimensionKeys), values: Codes },
    { additionalProperties: false },
  ),
  /** Respondents over invited participants, for instruments of one phase. */
  response_rate: Type.Object({ kind: Type.Literal('response_rate'), phase: oneOf(phases) }, { additionalProperties: false }),
  /** Activity cost divided by completed enrolments. */
  cost_per_completion: Type.Object({ kind: Type.Literal('cost_per_completion') }, { additionalProperties: false }),
  /** Activity cost divided by follow-up respondents whose answer to `question` is in `values`. */
  cost_per_application: Type.Object(
    { kind: Type.Literal('cost_per_application'), question: QuestionKey, values: Codes },
    { additionalProperties: false },
  ),
} satisfies Record<string, TSchema>;

export type DefinitionKind = keyof typeof definitionSchemas;
export const definitionKinds = Object.keys(definitionSchemas) as DefinitionKind[];
export type IndicatorDefinition = { [K in DefinitionKind]: Static<(typeof definitionSchemas)[K]> }[DefinitionKind];

/** For OpenAPI and the route: the kind is checked by the schema, the rest by `validateDefinition`. */
export const DefinitionDocumentSchema = Type.Object(
  { kind: enumOf(definitionKinds) },
  {
    additionalProperties: true,
    description:
      'How the indicator is computed. By kind: ' +
      definitionKinds.map((kind) => `${kind} {${Object.keys(definitionSchemas[kind].properties).filter((p) => p !== 'kind').join(', ')}}`).join('; '),
  },
);

/** The statistic a kind produces, which decides the cell type and the interval. */
export function statisticOf(definition: IndicatorDefinition): 'share' | 'mean' | 'ratio' {
  switch (definition.kind) {
    case 'mean':
      return 'mean';
    case 'paired_gain':
      return definition.statistic === 'share_improved' ? 'share' : 'mean';
    case 'cost_per_completion':
    case 'cost_per_application':
      return 'ratio';
    default:
      return 'share';
  }
}

export type DefinitionValidation = { ok: true; definition: IndicatorDefinition } | { ok: false; errors: FieldIssue[] };

/** Validates a definition against the schema of its kind; errors name fields under `prefix`. */
export function validateDefinition(input: unknown, prefix = 'definition'): DefinitionValidation {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !(definitionKinds as string[]).includes(kind)) {
    return { ok: false, errors: [{ field: `${prefix}/kind`, message: `must be one of ${definitionKinds.join(', ')}` }] };
  }
  const schema = definitionSchemas[kind as DefinitionKind];
  const errors = firstPerField(
    [...Value.Errors(schema, input)].map((error) => ({
      field: `${prefix}${error.path || ''}`,
      message: allowedLiterals(error.schema) ?? error.message,
    })),
  );
  const extra = checkDimensionValues(input as IndicatorDefinition, prefix);
  if (errors.length > 0 || extra.length > 0) return { ok: false, errors: [...errors, ...extra] };
  return { ok: true, definition: input as IndicatorDefinition };
}

/** TypeBox may report one missing field twice (required, then its type): keep the first. */
function firstPerField(issues: FieldIssue[]): FieldIssue[] {
  return issues.filter((issue, index) => issues.findIndex((other) => other.field === issue.field) === index);
}

/** "must be one of …" instead of TypeBox's "Expected union value" for a union of literals. */
function allowedLiterals(schema: TSchema): string | undefined {
  const options = (schema as { anyOf?: Array<{ const?: unknown }> }).anyOf;
  if (!options || !options.every((option) => option.const !== undefined)) return undefined;
  return `must be one of ${options.map((option) => String(option.const)).join(', ')}`;
}

function checkDimensionValues(definition: IndicatorDefinition, prefix: string): FieldIssue[] {
  if (definition.kind !== 'property_share' || !Array.isArray(definition.values)) return [];
  const allowed = dimensions[definition.dimension]?.values;
  if (!allowed) return [];
  return definition.values
    .map((code, index) => ({ code, index }))
    .filter(({ code }) => !allowed.some((v) => v.code === code))
    .map(({ code, index }) => ({
      field: `${prefix}/values/${index}`,
      message: `"${code}" is not a value of ${definition.dimension}; allowed: ${allowed.map((v) => v.code).join(', ')}`,
    }));
}

// ------------------------------------------------------------------ an indicator

export interface IndicatorSpec {
  key: string;
  names: Localised;
  descriptions: Localised;
  level: KirkpatrickLevel;
  criterion: DacCriterion;
  direction: Direction;
  unit: Unit;
  periodBasis: PeriodBasis;
  definition: IndicatorDefinition;
}

const LocalisedText = (maxLength: number) =>
  Type.Object(
    { en: Type.String({ minLength: 1, maxLength }), fr: Type.String({ minLength: 1, maxLength }), es: Type.String({ minLength: 1, maxLength }) },
    { additionalProperties: false },
  );

/** An indicator as the API receives it (the key comes from the path). */
export const IndicatorBodySchema = Type.Object(
  {
    names: LocalisedText(200),
    descriptions: LocalisedText(2000),
    level: Type.Unsafe<KirkpatrickLevel>({ type: 'integer', enum: [...kirkpatrickLevels], description: 'Kirkpatrick level: 1 reaction, 2 learning, 3 behaviour, 4 results' }),
    criterion: enumOf(dacCriteria, 'OECD-DAC evaluation criterion'),
    direction: enumOf(directions),
    unit: enumOf(units),
    periodBasis: Type.Optional(enumOf(periodBases, 'activity_end (default): the cohort year in which the activity ended')),
    definition: DefinitionDocumentSchema,
  },
  { additionalProperties: false },
);

// ------------------------------------------------------------------ the standard set

const AGREE = ['agree', 'strongly_agree'];
const LARGE = ['very_large', 'large'];
const APPLIED = ['significant_input', 'helpful_specific'];

const text = (en: string, fr: string, es: string): Localised => ({ en, fr, es });

type StandardEntry = Omit<IndicatorSpec, 'periodBasis'>;

function share(
  key: string,
  names: Localised,
  descriptions: Localised,
  level: KirkpatrickLevel,
  criterion: DacCriterion,
  definition: IndicatorDefinition,
): StandardEntry {
  return { key, names, descriptions, level, criterion, direction: 'higher_is_better', unit: 'share', definition };
}

const standardEntries: StandardEntry[] = [
  share(
    'relevance',
    text('Relevance to work', 'Pertinence pour le travail', 'Pertinencia para el trabajo'),
    text(
      'Share of end-of-activity respondents who agree or strongly agree that the activity was relevant to their work.',
      "Part des répondants de fin d'activité d'accord ou tout à fait d'accord que l'activité était pertinente pour leur travail.",
      'Proporción de encuestados al final de la actividad de acuerdo o muy de acuerdo en que la actividad fue pertinente para su trabajo.',
    ),
    1,
    'relevance',
    { kind: 'answer_in_set', questions: ['eoa_relevance'], values: AGREE },
  ),
  share(
    'theory_to_practice',
    text('Theory linked to practice', 'Théorie reliée à la pratique', 'Teoría vinculada a la práctica'),
    text(
      'Share of end-of-activity respondents who agree or strongly agree that the activity linked theory to practice.',
      "Part des répondants de fin d'activité d'accord ou tout à fait d'accord que l'activité a relié la théorie à la pratique.",
      'Proporción de encuestados al final de la actividad de acuerdo o muy de acuerdo en que la actividad vinculó la teoría con la práctica.',
    ),
    1,
    'relevance',
    { kind: 'answer_in_set', questions: ['eoa_theory_practice'], values: AGREE },
  ),
  share(
    'can_apply',
    text('Can apply what was learnt', 'Capable d’appliquer les acquis', 'Puede aplicar lo aprendido'),
    text(
      'Share of end-of-activity respondents who agree or strongly agree that they can apply what they learnt.',
      "Part des répondants de fin d'activité d'accord ou tout à fait d'accord qu'ils peuvent appliquer ce qu'ils ont appris.",
      'Proporción de encuestados al final de la actividad de acuerdo o muy de acuerdo en que pueden aplicar lo aprendido.',
    ),
    2,
    'effectiveness',
    { kind: 'answer_in_set', questions: ['eoa_can_apply'], values: AGREE },
  ),
  share(
    'application_examples',
    text('Concrete examples of application', 'Exemples concrets d’application', 'Ejemplos concretos de aplicación'),
    text(
      'Share of follow-up respondents who give a concrete example of applying what they learnt.',
      'Part des répondants au suivi qui donnent un exemple concret d’application de leurs acquis.',
      'Proporción de encuestados en el seguimiento que dan un ejemplo concreto de aplicación de lo aprendido.',
    ),
    3,
    'effectiveness',
    { kind: 'text_non_empty', question: 'fu_application_example', among: 'follow_up' },
  ),
  share(
    'needs_met',
    text('Learning needs met', 'Besoins d’apprentissage satisfaits', 'Necesidades de aprendizaje satisfechas'),
    text(
      'Share of respondents whose learning needs were met fully, to a great extent or sufficiently (follow-up answer, else end of activity).',
      'Part des répondants dont les besoins ont été satisfaits pleinement, en grande partie ou suffisamment (réponse au suivi, sinon en fin d’activité).',
      'Proporción de encuestados cuyas necesidades se satisficieron plenamente, en gran medida o suficientemente (respuesta de seguimiento, si no al final de la actividad).',
    ),
    1,
    'relevance',
    { kind: 'answer_in_set', questions: ['fu_needs_met', 'eoa_needs_met'], values: ['fully', 'great_extent', 'sufficiently'] },
  ),
  share(
    'knowledge_application',
    text('Knowledge application rate', 'Taux d’application des connaissances', 'Tasa de aplicación de conocimientos'),
    text(
      'Share of follow-up respondents for whom the training gave significant input or helped with specific tasks in their work.',
      'Part des répondants au suivi pour qui la formation a apporté une contribution importante ou aidé dans des tâches précises.',
      'Proporción de encuestados en el seguimiento para quienes la formación aportó una contribución importante o ayudó en tareas concretas.',
    ),
    3,
    'effectiveness',
    { kind: 'answer_in_set', questions: ['fu_use'], values: APPLIED },
  ),
  share(
    'competence_improvement',
    text('Competence improvement', 'Amélioration des compétences', 'Mejora de las competencias'),
    text(
      'Share of follow-up respondents reporting a very large or large improvement in their competence.',
      'Part des répondants au suivi signalant une très grande ou une grande amélioration de leurs compétences.',
      'Proporción de encuestados en el seguimiento que informan de una mejora muy grande o grande de sus competencias.',
    ),
    3,
    'effectiveness',
    { kind: 'answer_in_set', questions: ['fu_competence_change'], values: LARGE },
  ),
  share(
    'performance_improvement',
    text('Performance improvement', 'Amélioration des performances', 'Mejora del desempeño'),
    text(
      'Share of follow-up respondents reporting a very large or large improvement in their work performance.',
      'Part des répondants au suivi signalant une très grande ou une grande amélioration de leurs performances au travail.',
      'Proporción de encuestados en el seguimiento que informan de una mejora muy grande o grande de su desempeño laboral.',
    ),
    4,
    'impact',
    { kind: 'answer_in_set', questions: ['fu_performance_change'], values: LARGE },
  ),
  share(
    'tangible_change',
    text('Tangible change in the organisation', 'Changement tangible dans l’organisation', 'Cambio tangible en la organización'),
    text(
      'Share of follow-up respondents reporting at least one tangible change (any answer other than "none").',
      'Part des répondants au suivi signalant au moins un changement tangible (toute réponse autre que « aucun »).',
      'Proporción de encuestados en el seguimiento que informan de al menos un cambio tangible (cualquier respuesta distinta de «ninguno»).',
    ),
    4,
    'impact',
    { kind: 'answer_in_set', questions: ['fu_tangible_change'], values: ['none'], match: 'any_except' },
  ),
  {
    key: 'knowledge_gain',
    names: text('Knowledge gain', 'Gain de connaissances', 'Aumento de conocimientos'),
    descriptions: text(
      'Mean difference between post-test and pre-test scores of participants who took both (paired t-test and Wilcoxon signed-rank test).',
      'Différence moyenne entre les scores au post-test et au pré-test des participants ayant passé les deux (test t apparié et test des rangs signés de Wilcoxon).',
      'Diferencia media entre las puntuaciones del post-test y del pre-test de quienes hicieron ambos (prueba t pareada y prueba de rangos con signo de Wilcoxon).',
    ),
    level: 2,
    criterion: 'effectiveness',
    direction: 'higher_is_better',
    unit: 'score',
    definition: { kind: 'paired_gain', statistic: 'mean_gain', pre: 'pre_test', post: 'post_test' },
  },
  {
    key: 'knowledge_gain_normalised',
    names: text('Normalised knowledge gain', 'Gain de connaissances normalisé', 'Aumento de conocimientos normalizado'),
    descriptions: text(
      'Mean of (post − pre) / (maximum − pre) over participants who took both tests: the share of the possible gain achieved.',
      'Moyenne de (post − pré) / (maximum − pré) sur les participants ayant passé les deux tests : la part du gain possible atteinte.',
      'Media de (post − pre) / (máximo − pre) entre quienes hicieron ambas pruebas: la parte del aumento posible lograda.',
    ),
    level: 2,
    criterion: 'effectiveness',
    direction: 'higher_is_better',
    unit: 'normalised_gain',
    definition: { kind: 'paired_gain', statistic: 'mean_normalised_gain', pre: 'pre_test', post: 'post_test' },
  },
  share(
    'knowledge_acquisition',
    text('Knowledge acquisition rate', 'Taux d’acquisition des connaissances', 'Tasa de adquisición de conocimientos'),
    text(
      'Share of participants with both a pre-test and a post-test whose score rose.',
      'Part des participants ayant passé le pré-test et le post-test dont le score a augmenté.',
      'Proporción de participantes con pre-test y post-test cuya puntuación aumentó.',
    ),
    2,
    'effectiveness',
    { kind: 'paired_gain', statistic: 'share_improved', pre: 'pre_test', post: 'post_test' },
  ),
  share(
    'response_rate',
    text('Response rate', 'Taux de réponse', 'Tasa de respuesta'),
    text(
      'Share of invited participants who answered the end-of-activity questionnaire.',
      "Part des participants invités qui ont répondu au questionnaire de fin d'activité.",
      'Proporción de participantes invitados que respondieron al cuestionario de final de actividad.',
    ),
    1,
    'effectiveness',
    { kind: 'response_rate', phase: 'end_of_activity' },
  ),
  share(
    'women_share',
    text('Share of women', 'Part des femmes', 'Proporción de mujeres'),
    text(
      'Share of women among participants who stated their gender.',
      'Part des femmes parmi les participants ayant indiqué leur genre.',
      'Proporción de mujeres entre los participantes que indicaron su género.',
    ),
    1,
    'relevance',
    { kind: 'property_share', dimension: 'gender', values: ['woman'] },
  ),
  share(
    'ldc_share',
    text('Participants from least developed countries', 'Participants des pays les moins avancés', 'Participantes de países menos adelantados'),
    text(
      'Share of participants residing in a least developed country.',
      'Part des participants résidant dans un pays moins avancé.',
      'Proporción de participantes residentes en un país menos adelantado.',
    ),
    1,
    'relevance',
    { kind: 'property_share', dimension: 'ldc', values: ['ldc'] },
  ),
  share(
    'social_partner_share',
    text('Participants from social partners', 'Participants des partenaires sociaux', 'Participantes de los interlocutores sociales'),
    text(
      "Share of participants from workers' or employers' organisations.",
      "Part des participants issus d'organisations de travailleurs ou d'employeurs.",
      'Proporción de participantes de organizaciones de trabajadores o de empleadores.',
    ),
    1,
    'relevance',
    { kind: 'property_share', dimension: 'constituent_group', values: ['workers', 'employers'] },
  ),
  {
    key: 'cost_per_completion',
    names: text('Cost per completion', 'Coût par participant ayant terminé', 'Costo por finalización'),
    descriptions: text(
      'Activity cost divided by the number of completed enrolments.',
      "Coût de l'activité divisé par le nombre d'inscriptions menées à terme.",
      'Costo de la actividad dividido por el número de inscripciones completadas.',
    ),
    level: 4,
    criterion: 'efficiency',
    direction: 'lower_is_better',
    unit: 'currency',
    definition: { kind: 'cost_per_completion' },
  },
  {
    key: 'cost_per_application',
    names: text('Cost per reported application', 'Coût par application déclarée', 'Costo por aplicación declarada'),
    descriptions: text(
      'Activity cost divided by the number of follow-up respondents who report applying what they learnt.',
      "Coût de l'activité divisé par le nombre de répondants au suivi déclarant appliquer leurs acquis.",
      'Costo de la actividad dividido por el número de encuestados en el seguimiento que declaran aplicar lo aprendido.',
    ),
    level: 4,
    criterion: 'efficiency',
    direction: 'lower_is_better',
    unit: 'currency',
    definition: { kind: 'cost_per_application', question: 'fu_use', values: APPLIED },
  },
];

/** The standard set, installed in every organisation (issue 6 §2). */
export const standardIndicators: readonly IndicatorSpec[] = standardEntries.map((entry) => ({ ...entry, periodBasis: 'activity_end' }));
