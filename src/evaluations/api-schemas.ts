// TypeBox schemas of the evaluations API (request bodies; responses are the service's rows).
import { Type, type TSchema } from '@sinclair/typebox';
import {
  actionStatuses,
  contentLanguages,
  evaluationKinds,
  evaluationModes,
  evaluationStatuses,
  lessonKinds,
  priorities,
  responseDecisions,
} from './schema.ts';

export const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IsoDate = Type.String({ format: 'date' });
const ShortText = Type.String({ maxLength: 500 });
const LongText = Type.String({ maxLength: 20_000 });
const TextList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 });

export const IndicatorLinkSchema = Type.Object(
  {
    indicatorKey: Type.String({ minLength: 1, maxLength: 200 }),
    period: Type.String({ minLength: 1, maxLength: 50 }),
    filters: Type.Record(Type.String(), Type.String()),
  },
  { additionalProperties: false },
);

const QuestionSchema = Type.Object(
  {
    criterion: Type.String({ minLength: 1, maxLength: 200 }),
    question: Type.String({ minLength: 1, maxLength: 2000 }),
    subQuestions: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 50 }),
    methods: TextList,
    dataSources: TextList,
  },
  { additionalProperties: false },
);

const SampleSchema = Type.Object(
  {
    tool: Type.String({ minLength: 1, maxLength: 200 }),
    targetGroup: Type.String({ minLength: 1, maxLength: 200 }),
    targetSample: Type.Integer({ minimum: 0 }),
    actualSample: nullable(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

const DocumentSchema = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 300 }), url: Type.String({ pattern: '^https?://', maxLength: 2000 }) },
  { additionalProperties: false },
);

export const evaluationFields = {
  title: Type.String({ minLength: 1, maxLength: 500 }),
  mode: literals(evaluationModes),
  kind: literals(evaluationKinds),
  status: literals(evaluationStatuses),
  commissioningUnit: ShortText,
  evaluators: TextList,
  startDate: nullable(IsoDate),
  endDate: nullable(IsoDate),
  countries: TextList,
  projectCode: ShortText,
  donor: ShortText,
  budgetAmount: nullable(Type.String({ pattern: '^\\d{1,14}(\\.\\d{1,2})?$' })),
  budgetCurrency: Type.String({ maxLength: 10 }),
  technicalArea: ShortText,
  keywords: TextList,
  projectStart: nullable(IsoDate),
  projectEnd: nullable(IsoDate),
  scopeActivityIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 500 }),
  criteria: TextList,
  questions: Type.Array(QuestionSchema, { maxItems: 200 }),
  sample: Type.Array(SampleSchema, { maxItems: 100 }),
  limitations: LongText,
  documents: Type.Array(DocumentSchema, { maxItems: 100 }),
  summary: LongText,
};

export const EvaluationCreate = Type.Object(
  {
    ...Object.fromEntries(Object.entries(evaluationFields).map(([key, schema]) => [key, Type.Optional(schema)])),
    title: evaluationFields.title,
    mode: evaluationFields.mode,
    kind: evaluationFields.kind,
  },
  { additionalProperties: false },
);
export const EvaluationPatch = Type.Partial(Type.Object(evaluationFields, { additionalProperties: false }));

export const FindingCreate = Type.Object(
  {
    criterion: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
    evidence: Type.Optional(Type.Array(IndicatorLinkSchema, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const recommendationFields = {
  number: Type.Integer({ minimum: 1, maximum: 10_000 }),
  text: Type.String({ minLength: 1, maxLength: 20_000 }),
  level: Type.String({ maxLength: 100 }),
  addressees: TextList,
  priority: literals(priorities),
  criteria: TextList,
};
export const RecommendationCreate = Type.Object(
  { ...Object.fromEntries(Object.entries(recommendationFields).map(([k, s]) => [k, Type.Optional(s)])), text: recommendationFields.text },
  { additionalProperties: false },
);
export const RecommendationPatch = Type.Partial(Type.Object(recommendationFields, { additionalProperties: false }));

export const ResponseBody = Type.Object(
  { decision: literals(responseDecisions), text: Type.String({ maxLength: 20_000 }), date: IsoDate },
  { additionalProperties: false },
);

const actionFields = {
  description: Type.String({ minLength: 1, maxLength: 5000 }),
  responsibleUnit: Type.String({ minLength: 1, maxLength: 200 }),
  dueDate: IsoDate,
  status: literals(actionStatuses),
  completedOn: IsoDate,
};
export const ActionCreate = Type.Object(
  {
    description: actionFields.description,
    responsibleUnit: actionFields.responsibleUnit,
    dueDate: actionFields.dueDate,
    status: Type.Optional(actionFields.status),
    completedOn: Type.Optional(actionFields.completedOn),
  },
  { additionalProperties: false },
);
export const ActionPatch = Type.Partial(Type.Object(actionFields, { additionalProperties: false }));

export const ProgressUpdateBody = Type.Object(
  {
    on: IsoDate,
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    statusAfter: literals(actionStatuses),
    evidenceUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
    evidenceIndicator: Type.Optional(IndicatorLinkSchema),
  },
  { additionalProperties: false },
);

const lessonFields = {
  evaluationId: nullable(Type.String({ format: 'uuid' })),
  kind: literals(lessonKinds),
  language: literals(contentLanguages),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  text: Type.String({ minLength: 1, maxLength: 20_000 }),
  context: LongText,
  replicationConditions: LongText,
  themes: TextList,
  countries: TextList,
  published: Type.Boolean(),
};
export const LessonCreate = Type.Object(
  {
    ...Object.fromEntries(Object.entries(lessonFields).map(([k, s]) => [k, Type.Optional(s)])),
    kind: lessonFields.kind,
    title: lessonFields.title,
    text: lessonFields.text,
  },
  { additionalProperties: false },
);
export const LessonPatch = Type.Partial(Type.Object(lessonFields, { additionalProperties: false }));

export const LessonSearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 500 })),
  kind: Type.Optional(Type.Union([literals(lessonKinds), Type.Literal('')])),
  theme: Type.Optional(Type.String({ maxLength: 200 })),
  country: Type.Optional(Type.String({ maxLength: 200 })),
  language: Type.Optional(Type.Union([literals(contentLanguages), Type.Literal('')])),
  lang: Type.Optional(Type.String()),
});

export const FollowUpQuery = Type.Object({
  evaluationId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Literal('')])),
  unit: Type.Optional(Type.String({ maxLength: 200 })),
  lang: Type.Optional(Type.String()),
});
