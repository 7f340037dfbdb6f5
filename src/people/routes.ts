// Participants and enrolments over HTTP (staff only, inside `request.inOrg`).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity, Uuid } from '../http/schemas.ts';
import { participantsPage } from './pages.tsx';
import {
  findParticipant,
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
      request.inOrg((tx, actor) => (mayHandlePersonalData(actor) ? listParticipantsWithPersonalData(tx, actor, 'list') : listParticipants(tx, 100_000))),
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

  app.get(
    '/participants',
    { preHandler: requireRole(), schema: { tags: ['pages'], summary: 'Participants with inclusion data (HTML)', produces: [HTML] } },
    async (request, reply) => {
      const { list, showsNames } = await request.inOrg(async (tx, actor) => {
        if (mayHandlePersonalData(actor)) return { list: await listParticipantsWithPersonalData(tx, actor, 'list'), showsNames: true };
        const plain = await listParticipants(tx, 100_000);
        return { list: plain.map((p) => ({ ...p, givenName: null, familyName: null, email: null, phone: null })), showsNames: false };
      });
      return reply.type(HTML).send(participantsPage(request.pageContext(reply), list.slice(0, 1000), showsNames));
    },
  );
};
