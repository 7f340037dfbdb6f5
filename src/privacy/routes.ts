// Privacy operations over HTTP, for administrators: erase a participant's personal data, export
// everything held about one participant, the retention period, and purging the inactive.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { requireRole } from '../http/request-context.ts';
import { staffSecurity, Uuid } from '../http/schemas.ts';
import { changeRetention, eraseParticipant, exportParticipant, purgeInactive, retentionMonths } from './service.ts';

const TAGS = ['privacy'];
const administrators = requireRole('administrator');
const ParticipantParams = Type.Object({ id: Uuid });

export const privacyRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    '/api/participants/:id/erase',
    {
      preHandler: administrators,
      schema: {
        tags: TAGS,
        summary: 'Erase a participant’s personal data (responses are kept, de-identified; indicators do not change); audit-logged',
        security: staffSecurity,
        params: ParticipantParams,
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return request.inOrg((tx, actor) => eraseParticipant(tx, { kind: 'administrator', actor }, id));
    },
  );

  app.get(
    '/api/participants/:id/dossier',
    {
      preHandler: administrators,
      schema: {
        tags: TAGS,
        summary: 'Everything held about one participant, as JSON (a subject access request); audit-logged',
        security: staffSecurity,
        params: ParticipantParams,
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const dossier = await request.inOrg((tx, actor) => exportParticipant(tx, { kind: 'administrator', actor }, id));
      return reply
        .header('content-disposition', `attachment; filename="participant-${dossier.participantId}.json"`)
        .header('cache-control', 'no-store')
        .send(dossier);
    },
  );

  app.get(
    '/api/privacy/retention',
    { preHandler: administrators, schema: { tags: TAGS, summary: 'The retention period for personal data of inactive participants', security: staffSecurity } },
    async (request) => ({ months: (await request.inOrg((tx) => retentionMonths(tx))) ?? null }),
  );

  app.put(
    '/api/privacy/retention',
    {
      preHandler: administrators,
      schema: {
        tags: TAGS,
        summary: 'Set the retention period in months; audit-logged',
        security: staffSecurity,
        body: Type.Object({ months: Type.Integer({ minimum: 1, maximum: 1200 }) }),
      },
    },
    async (request) => {
      const { months } = request.body as { months: number };
      await request.inOrg((tx, actor) => changeRetention(tx, { kind: 'administrator', actor }, months));
      return { months };
    },
  );

  app.delete(
    '/api/privacy/retention',
    { preHandler: administrators, schema: { tags: TAGS, summary: 'Remove the retention period (personal data kept until erased by hand); audit-logged', security: staffSecurity } },
    async (request) => {
      await request.inOrg((tx, actor) => changeRetention(tx, { kind: 'administrator', actor }, undefined));
      return { months: null };
    },
  );

  app.post(
    '/api/privacy/purge',
    {
      preHandler: administrators,
      schema: {
        tags: TAGS,
        summary: 'Erase the personal data of participants inactive for longer than the retention period (dryRun counts only)',
        security: staffSecurity,
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }),
      },
    },
    async (request) => {
      const { dryRun } = request.query as { dryRun?: boolean };
      return request.inOrg((tx, actor) => purgeInactive(tx, { kind: 'administrator', actor }, { dryRun }));
    },
  );
};
