// Participants and enrolments over HTTP (staff only, inside `request.inOrg`).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity, Uuid } from '../http/schemas.ts';
import { listActivities } from '../catalogue/repository.ts';
import { participantImport } from './import.ts';
import { participantFormPage, participantFormValues, participantPage, participantsPage, type FieldErrors, type ParticipantFormValues } from './pages.tsx';
import {
  checkParticipant,
  findParticipant,
  participantForEditing,
  searchParticipants,
  listEnrolments,
  listParticipants,
  listParticipantsWithPersonalData,
  mayHandlePersonalData,
  PeopleError,
  saveEnrolment,
  saveParticipant,
  type EnrolmentInput,
  type ParticipantInput,
} from './service.ts';
import { enrolmentRoles, enrolmentStatuses, genders, organisationTypes, wgAnswers, wgDomains } from './vocabulary.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const Opt = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
const Text = (max = 200) => Type.String({ maxLength: max });

const ParticipantBody = Type.Object({
  participantId: Text(64),
  givenName: Opt(Text()),
  familyName: Opt(Text()),
  email: Opt(Text(320)),
  phone: Opt(Text(40)),
  gender: Opt(literals(genders)),
  genderDescription: Opt(Text()),
  birthYear: Opt(Type.Integer()),
  nationality: Opt(Text(2)),
  residenceCountry: Opt(Text(2)),
  organisation: Opt(Text()),
  organisationType: Opt(literals(organisationTypes)),
  wg: Type.Optional(Type.Object(Object.fromEntries(wgDomains.map((domain) => [domain, Opt(literals(wgAnswers))])))),
  preferredLanguage: Opt(Text(2)),
  consentFollowup: Type.Optional(Type.Boolean()),
  consentDate: Opt(Type.String({ format: 'date' })),
});

const EnrolmentBody = Type.Object({
  participantId: Text(64),
  activityCode: Text(64),
  role: Type.Optional(literals(enrolmentRoles)),
  status: Type.Optional(literals(enrolmentStatuses)),
  sponsor: Opt(Text()),
  completionDate: Opt(Type.String({ format: 'date' })),
});

const API = ['people'];
const PAGE = ['pages'];

/** The participant form's fields: the import columns, so that one parser and one set of field names serve both. */
const ParticipantForm = Type.Object({
  id: Type.Optional(Type.Union([Uuid, Type.Literal('')])),
  ...Object.fromEntries(participantImport.columns.map((column) => [column, Type.Optional(Text(320))])),
});

const EnrolmentForm = Type.Object({
  participant_id: Text(64),
  activity_code: Text(64),
  role: Type.Optional(Text(32)),
  status: Type.Optional(Text(32)),
  sponsor: Type.Optional(Text()),
  completion_date: Type.Optional(Text(10)),
  return_to: Type.Optional(Text(100)),
});

const ParticipantFilterQuery = Type.Object({
  gender: Type.Optional(Text(32)),
  residenceRegion: Type.Optional(Text(40)),
  residenceCountry: Type.Optional(Text(2)),
  constituentGroup: Type.Optional(Text(32)),
  disabilityStatus: Type.Optional(Text(32)),
  activityId: Type.Optional(Type.Union([Uuid, Type.Literal('')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});

/** Form fields → input, with cell-level problems by field name (same parser as imports). */
function parseParticipantForm(form: ParticipantFormValues): { input: ParticipantInput; errors: FieldErrors } {
  const issues: Array<[string, string]> = [];
  const input = participantImport.parse((column) => (form[column] ?? '').trim(), issues);
  if (form.consent_followup !== 'yes') input.consentFollowup = false;
  const errors: FieldErrors = {};
  for (const [field, message] of issues) errors[field] ??= message;
  return { input, errors };
}

const activityChoices = (tx: Parameters<typeof listActivities>[0]) =>
  listActivities(tx, {}, 2000).then((list) => list.map((a) => ({ id: a.id, code: a.code, title: a.title })));
const editors = requireRole('administrator', 'evaluator');

function rethrowPeopleError(error: unknown): never {
  if (error instanceof PeopleError) throw new Problem(422, error.message, error.issues.map((i) => ({ field: `body/${i.field}`, message: i.message })));
  throw error;
}

export const peopleRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/participants',
    { preHandler: requireRole(), schema: { tags: API, summary: 'Participants (names, e-mails and phones only for administrators and evaluators)', security: staffSecurity } },
    async (request) =>
      request.inOrg((tx, actor) => (mayHandlePersonalData(actor) ? listParticipantsWithPersonalData(tx, actor) : listParticipants(tx, 100_000))),
  );

  app.get(
    '/api/participants/:id',
    { preHandler: requireRole(), schema: { tags: API, summary: 'One participant (pseudonymous)', security: staffSecurity, params: Type.Object({ id: Uuid }) } },
    async (request) => {
      const { id } = request.params as { id: string };
      const found = await request.inOrg((tx) => findParticipant(tx, id));
      if (!found) throw Problem.notFound('No such participant');
      return found;
    },
  );

  app.post(
    '/api/participants',
    { preHandler: editors, schema: { tags: API, summary: 'Create or update (by participantId) a participant', security: staffSecurity, body: ParticipantBody } },
    async (request) => request.inOrg((tx, actor) => saveParticipant(tx, actor, request.body as ParticipantInput).catch(rethrowPeopleError)),
  );

  app.get(
    '/api/enrolments',
    { preHandler: requireRole(), schema: { tags: API, summary: 'Enrolments', security: staffSecurity } },
    async (request) => request.inOrg((tx) => listEnrolments(tx)),
  );

  app.post(
    '/api/enrolments',
    { preHandler: editors, schema: { tags: API, summary: 'Create or update an enrolment', security: staffSecurity, body: EnrolmentBody } },
    async (request, reply) => {
      await request.inOrg((tx, actor) => saveEnrolment(tx, actor.orgId, request.body as EnrolmentInput).catch(rethrowPeopleError));
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------------------ staff pages (no JavaScript needed)
  app.get(
    '/participants',
    {
      preHandler: requireRole(),
      schema: { tags: PAGE, summary: 'Participants with inclusion data: filters and pages (HTML)', querystring: ParticipantFilterQuery, produces: [HTML] },
    },
    async (request, reply) => {
      const { page = 1, ...filter } = request.query as Static<typeof ParticipantFilterQuery>;
      const { listing, activities } = await request.inOrg(async (tx, actor) => ({
        listing: await searchParticipants(tx, actor, { ...filter, activityId: filter.activityId || undefined }, page),
        activities: await activityChoices(tx),
      }));
      const ctx = request.pageContext(reply);
      const canEdit = ['administrator', 'evaluator'].includes(ctx.actor!.role);
      return reply.type(HTML).send(participantsPage(ctx, listing, { ...filter, page }, activities, canEdit));
    },
  );

  app.get(
    '/participants/new',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Form for a new participant (HTML)', produces: [HTML] } },
    async (request, reply) => {
      const ctx = request.pageContext(reply);
      return reply.type(HTML).send(participantFormPage(ctx, {}, {}, mayHandlePersonalData(ctx.actor!)));
    },
  );

  app.post(
    '/participants',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Create or update a participant (HTML form); errors shown next to each field', body: ParticipantForm } },
    async (request, reply) => {
      const form = request.body as ParticipantFormValues;
      const editId = form.id || undefined;
      const { input, errors } = parseParticipantForm(form);
      for (const issue of checkParticipant(input)) errors[issue.field] ??= issue.message;
      const outcome = await request.inOrg(async (tx, actor) => {
        if (editId) {
          const existing = await findParticipant(tx, editId);
          if (!existing) throw Problem.notFound('No such participant');
          input.participantId = existing.code; // the pseudonymous id does not change on edit
        }
        if (Object.keys(errors).length === 0) {
          try {
            return { saved: await saveParticipant(tx, actor, input, { mustBeNew: !editId, personalData: 'replace' }) };
          } catch (error) {
            if (!(error instanceof PeopleError)) throw error;
            for (const issue of error.issues) errors[issue.field] ??= issue.message;
          }
        }
        if (!editId) return { errors };
        const current = (await participantForEditing(tx, actor, editId))!;
        return { errors, current, enrolments: await listEnrolments(tx, undefined, editId), activities: await activityChoices(tx) };
      });
      if ('saved' in outcome && outcome.saved) return reply.redirect(`/participants/${outcome.saved.id}`, 303);
      const ctx = request.pageContext(reply);
      const showsPersonalData = mayHandlePersonalData(ctx.actor!);
      reply.code(422).type(HTML);
      if (!('current' in outcome) || !outcome.current) return reply.send(participantFormPage(ctx, form, outcome.errors ?? {}, showsPersonalData));
      return reply.send(
        participantPage(
          ctx,
          { participant: outcome.current.participant, values: form, errors: outcome.errors ?? {}, enrolments: outcome.enrolments!, activities: outcome.activities! },
          true,
          showsPersonalData,
        ),
      );
    },
  );

  app.get(
    '/participants/:id',
    {
      preHandler: requireRole(),
      schema: {
        tags: PAGE,
        summary: 'A participant: derived inclusion data, enrolments, edit and enrolment forms (HTML)',
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({ editActivity: Type.Optional(Uuid) }),
        produces: [HTML],
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { editActivity } = request.query as { editActivity?: string };
      const data = await request.inOrg(async (tx, actor) => {
        const found = await participantForEditing(tx, actor, id);
        if (!found) throw Problem.notFound('No such participant');
        return { ...found, enrolments: await listEnrolments(tx, undefined, id), activities: await activityChoices(tx) };
      });
      const ctx = request.pageContext(reply);
      const canEdit = ['administrator', 'evaluator'].includes(ctx.actor!.role);
      const showsPersonalData = mayHandlePersonalData(ctx.actor!);
      const values = participantFormValues(data.participant, showsPersonalData ? data.personal : undefined);
      return reply
        .type(HTML)
        .send(participantPage(ctx, { participant: data.participant, values, errors: {}, enrolments: data.enrolments, activities: data.activities, editActivity }, canEdit, showsPersonalData));
    },
  );

  app.post(
    '/enrolments',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Create or update an enrolment (HTML form, from the participant or the activity page)', body: EnrolmentForm } },
    async (request, reply) => {
      const form = request.body as Static<typeof EnrolmentForm>;
      const returnTo = form.return_to && /^\/(participants|activities)\/[0-9a-f-]{36}$/.test(form.return_to) ? form.return_to : '/participants';
      const input: EnrolmentInput = {
        participantId: form.participant_id.trim(),
        activityCode: form.activity_code.trim(),
        role: (form.role || 'participant') as EnrolmentInput['role'],
        status: (form.status || 'enrolled') as EnrolmentInput['status'],
        sponsor: form.sponsor?.trim() || null,
        completionDate: form.completion_date?.trim() || null,
      };
      await request.inOrg((tx, actor) => saveEnrolment(tx, actor.orgId, input).catch(rethrowPeopleError));
      return reply.redirect(returnTo, 303);
    },
  );
};
