// Survey waves for staff: JSON API (OpenAPI) and pages. The personal links themselves are answered
// by responses/ at /r/:token (see personal-links.ts, wired in http/server.ts).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity, Uuid } from '../http/schemas.ts';
import { listInstruments } from '../instruments/service.ts';
import { enrolmentStatuses, type EnrolmentStatus } from '../people/vocabulary.ts';
import { wavePopulations } from './model.ts';
import { newWavePage, planPage, wavePage, wavesPage } from './pages.tsx';
import * as service from './service.ts';

const API = ['waves'];
const PAGE = ['pages'];
const security = staffSecurity;
const readers = requireRole('administrator', 'evaluator', 'viewer');
const managers = requireRole('administrator', 'evaluator');
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const RateSchema = Type.Object(
  {
    groupKey: Type.String({ description: 'wave id, purpose, instrument key, activity id, or "all"' }),
    waves: Type.Integer(),
    eligible: Type.Integer(),
    invited: Type.Integer(),
    delivered: Type.Integer(),
    bounced: Type.Integer(),
    opened: Type.Integer({ description: 'invitations whose personal link was opened' }),
    partial: Type.Integer(),
    complete: Type.Integer(),
    rr1: Nullable(Type.Number({ description: 'AAPOR RR1 = complete / eligible' })),
    rr2: Nullable(Type.Number({ description: 'AAPOR RR2 = (complete + partial) / eligible' })),
  },
  { description: 'Response counts and rates over the eligible population' },
);

const WaveSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  instrumentId: Uuid,
  instrumentKey: Type.String(),
  purpose: Type.String(),
  instrumentVersionId: Uuid,
  version: Type.Integer(),
  activities: Type.Array(Type.Object({ id: Uuid, code: Type.String(), title: Type.String() })),
  population: literals(wavePopulations),
  eligibleStatuses: Type.Array(Type.String()),
  anchor: literals(['start', 'end', 'fixed'] as const),
  offsetMonths: Type.Integer(),
  offsetDays: Type.Integer(),
  opensAt: DateTime,
  closesAt: DateTime,
  reminderDays: Type.Array(Type.Integer()),
  planKey: Nullable(Type.String()),
  cancelledAt: Nullable(DateTime),
  rates: RateSchema,
});

const WaveInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    instrumentId: Uuid,
    activityIds: Type.Array(Uuid, { minItems: 1, maxItems: 200 }),
    population: Type.Optional(literals(wavePopulations)),
    eligibleStatuses: Type.Optional(Type.Array(literals(enrolmentStatuses), { minItems: 1 })),
    anchor: literals(['start', 'end', 'fixed'] as const),
    offsetMonths: Type.Optional(Type.Integer({ minimum: -60, maximum: 60 })),
    offsetDays: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
    openDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
    opensAt: Type.Optional(Type.String({ maxLength: 40, description: 'with anchor "fixed": YYYY-MM-DD or a date-time' })),
    closesAt: Type.Optional(Type.String({ maxLength: 40 })),
    reminderDays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 365 }), { maxItems: 5 })),
  },
  { additionalProperties: false },
);

const InvitationSchema = Type.Object({
  id: Uuid,
  participantId: Uuid,
  participantCode: Type.String(),
  activityId: Uuid,
  activityCode: Type.String(),
  language: Type.String(),
  messageStatus: Nullable(Type.String()),
  remindersSent: Type.Integer(),
  openedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
  createdAt: Type.String(),
  response: Nullable(literals(['complete', 'partial'] as const)),
});

const PlanItemSchema = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    instrumentKey: Type.String({ minLength: 1, maxLength: 100 }),
    anchor: literals(['start', 'end'] as const),
    offsetMonths: Type.Integer({ minimum: -60, maximum: 60 }),
    offsetDays: Type.Integer({ minimum: -1000, maximum: 1000 }),
    openDays: Type.Integer({ minimum: 1, maximum: 366 }),
    population: literals(wavePopulations),
    eligibleStatuses: Type.Array(literals(enrolmentStatuses), { minItems: 1 }),
    reminderDays: Type.Array(Type.Integer({ minimum: 1, maximum: 365 }), { maxItems: 5 }),
  },
  { additionalProperties: false },
);
const PlanSchema = Type.Object({ autoApply: Type.Boolean(), plan: Type.Array(PlanItemSchema, { maxItems: 20 }) }, { additionalProperties: false });
const PlanOutcomeSchema = Type.Object({
  created: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  skipped: Type.Array(Type.Object({ item: Type.String(), reason: Type.String() })),
});

const emptyRate = (groupKey: string): service.RateRow => ({ groupKey, waves: 0, eligible: 0, invited: 0, delivered: 0, bounced: 0, opened: 0, partial: 0, complete: 0, rr1: null, rr2: null });

function toWave(wave: service.WaveListRow, rate: service.RateRow | undefined) {
  return {
    id: wave.id,
    name: wave.name,
    instrumentId: wave.instrumentId,
    instrumentKey: wave.instrumentKey,
    purpose: wave.purpose,
    instrumentVersionId: wave.instrumentVersionId,
    version: wave.version,
    activities: wave.activities,
    population: wave.population,
    eligibleStatuses: wave.eligibleStatuses,
    anchor: wave.anchor,
    offsetMonths: wave.offsetMonths,
    offsetDays: wave.offsetDays,
    opensAt: wave.opensAt.toISOString(),
    closesAt: wave.closesAt.toISOString(),
    reminderDays: wave.reminderDays,
    planKey: wave.planKey,
    cancelledAt: wave.cancelledAt?.toISOString() ?? null,
    rates: rate ?? emptyRate(wave.id),
  };
}

const ratesByWave = (rates: service.RateRow[]) => new Map(rates.map((rate) => [rate.groupKey, rate]));

/** Form fields (urlencoded) of the wave form, as the API's input. */
function waveFromForm(body: Record<string, string | string[] | undefined>): service.WaveInput {
  const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());
  const int = (value: string | string[] | undefined) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined);
  const anchor = String(body.anchor ?? 'end') as service.WaveInput['anchor'];
  return {
    name: String(body.name ?? ''),
    instrumentId: String(body.instrumentId ?? ''),
    activityIds: list(body.activityIds),
    population: String(body.population ?? 'participants') as service.WaveInput['population'],
    eligibleStatuses: list(body.eligibleStatuses) as EnrolmentStatus[],
    anchor,
    offsetMonths: int(body.offsetMonths),
    offsetDays: int(body.offsetDays),
    openDays: int(body.openDays),
    opensAt: typeof body.opensAt === 'string' && body.opensAt !== '' ? body.opensAt : undefined,
    closesAt: typeof body.closesAt === 'string' && body.closesAt !== '' ? body.closesAt : undefined,
    reminderDays: String(body.reminderDays ?? '')
      .split(/[\s,;]+/)
      .filter((part) => part !== '')
      .map(Number),
  };
}

const FormBody = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 2000 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500 })]));

export const waveRoutes: FastifyPluginAsync<{ database: Database; config: Config }> = async (app) => {
  // ------------------------------------------------------------ API
  app.get(
    '/api/waves',
    { preHandler: readers, schema: { tags: API, security, summary: 'Survey waves with their response rates', querystring: Type.Object({ activityId: Type.Optional(Uuid) }), response: { 200: Type.Array(WaveSchema) } } },
    async (request) => {
      const { activityId } = request.query as { activityId?: string };
      return request.inOrg(async (tx) => {
        const waves = await service.listWaves(tx, activityId ? { activityId } : {});
        const rates = ratesByWave(await service.responseRates(tx, 'wave', { waveIds: waves.map((w) => w.id) }));
        return waves.map((wave) => toWave(wave, rates.get(wave.id)));
      });
    },
  );

  app.post(
    '/api/waves',
    { preHandler: managers, schema: { tags: API, security, summary: 'Create a wave by hand (dates relative to the activities, or fixed)', body: WaveInputSchema, response: { 201: WaveSchema } } },
    async (request, reply) => {
      const body = request.body as Static<typeof WaveInputSchema>;
      const wave = await request.inOrg(async (tx, actor) => service.getWave(tx, (await service.createWave(tx, actor, body)).id));
      return reply.code(201).send(toWave(wave, undefined));
    },
  );

  app.get(
    '/api/waves/:id',
    { preHandler: readers, schema: { tags: API, security, summary: 'One wave with its response rates', params: Type.Object({ id: Uuid }), response: { 200: WaveSchema } } },
    async (request) => {
      const { id } = request.params as { id: string };
      return request.inOrg(async (tx) => {
        const wave = await service.getWave(tx, id);
        const [rate] = await service.responseRates(tx, 'wave', { waveIds: [id] });
        return toWave(wave, rate);
      });
    },
  );

  app.post(
    '/api/waves/:id/cancel',
    { preHandler: managers, schema: { tags: API, security, summary: 'Cancel a wave: nothing more is sent and its links stop working', params: Type.Object({ id: Uuid }), response: { 204: Type.Null() } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await request.inOrg((tx, actor) => service.cancelWave(tx, actor, id));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/waves/:id/invitations',
    { preHandler: readers, schema: { tags: API, security, summary: 'Invitations of a wave (pseudonymous codes, no addresses)', params: Type.Object({ id: Uuid }), response: { 200: Type.Array(InvitationSchema) } } },
    async (request) => {
      const { id } = request.params as { id: string };
      return request.inOrg(async (tx) => {
        await service.getWave(tx, id);
        return service.listInvitations(tx, id);
      });
    },
  );

  app.post(
    '/api/wave-invitations/:id/revoke',
    { preHandler: managers, schema: { tags: API, security, summary: 'Revoke an invitation: its personal links stop working', params: Type.Object({ id: Uuid }), response: { 204: Type.Null() } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await request.inOrg((tx, actor) => service.revokeInvitation(tx, actor, id));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/wave-rates',
    {
      preHandler: readers,
      schema: {
        tags: API,
        security,
        summary: 'Response rates (AAPOR RR1, RR2) per wave or rolled up by purpose, instrument, activity or in total',
        querystring: Type.Object({ groupBy: Type.Optional(literals(['wave', 'purpose', 'instrument', 'activity', 'total'] as const)), activityId: Type.Optional(Uuid) }),
        response: { 200: Type.Array(RateSchema) },
      },
    },
    async (request) => {
      const { groupBy, activityId } = request.query as { groupBy?: service.RateGrouping; activityId?: string };
      return request.inOrg((tx) => service.responseRates(tx, groupBy ?? 'total', activityId ? { activityId } : {}));
    },
  );

  app.get(
    '/api/wave-plan',
    { preHandler: readers, schema: { tags: API, security, summary: "The organisation's default plan of waves", response: { 200: PlanSchema } } },
    async (request) => request.inOrg((tx) => service.planSettings(tx)),
  );

  app.put(
    '/api/wave-plan',
    { preHandler: requireRole('administrator'), schema: { tags: API, security, summary: 'Replace the default plan and whether the scheduler applies it to activities by itself', body: PlanSchema, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await request.inOrg((tx, actor) => service.savePlanSettings(tx, actor, request.body as Static<typeof PlanSchema>));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/activities/:id/wave-plan',
    { preHandler: managers, schema: { tags: API, security, summary: 'Apply the default plan of waves to one activity (waves already created are kept)', params: Type.Object({ id: Uuid }), response: { 200: PlanOutcomeSchema } } },
    async (request) => {
      const { id } = request.params as { id: string };
      return request.inOrg((tx, actor) => service.applyPlanToActivity(tx, actor, id));
    },
  );

  // ------------------------------------------------------------ pages
  app.get('/waves', { preHandler: readers, schema: { tags: PAGE, summary: 'Survey waves and response rates (HTML)', produces: ['text/html'] } }, async (request, reply) => {
    const html = await request.inOrg(async (tx) => {
      const waves = await service.listWaves(tx);
      const rates = ratesByWave(await service.responseRates(tx, 'wave'));
      return wavesPage(request.pageContext(reply), waves, rates, await service.responseRates(tx, 'purpose'), new Date());
    });
    return reply.type(HTML).send(html);
  });

  const formChoices = (tx: Parameters<typeof service.listWaves>[0]) =>
    Promise.all([listInstruments(tx), service.activitiesForChoice(tx)]).then(([instruments, activities]) => ({ instruments, activities }));

  app.get('/waves/new', { preHandler: managers, schema: { tags: PAGE, summary: 'Form: a new wave (HTML)', produces: ['text/html'] } }, async (request, reply) => {
    const choices = await request.inOrg((tx) => formChoices(tx));
    return reply.type(HTML).send(newWavePage(request.pageContext(reply), choices));
  });

  app.post('/waves', { preHandler: managers, schema: { tags: PAGE, summary: 'Create a wave (HTML form)', body: FormBody } }, async (request, reply) => {
    const input = waveFromForm(request.body as Record<string, string | string[]>);
    try {
      const wave = await request.inOrg((tx, actor) => service.createWave(tx, actor, input));
      return reply.redirect(`/waves/${wave.id}`, 303);
    } catch (error) {
      if (!(error instanceof Problem) || error.status !== 400) throw error;
      const choices = await request.inOrg((tx) => formChoices(tx));
      return reply.code(400).type(HTML).send(newWavePage(request.pageContext(reply), choices, error.detail));
    }
  });

  app.get('/waves/plan', { preHandler: managers, schema: { tags: PAGE, summary: 'The default plan of waves (HTML)', produces: ['text/html'] } }, async (request, reply) => {
    const html = await request.inOrg(async (tx) => planPage(request.pageContext(reply), await service.planSettings(tx), await service.activitiesForChoice(tx)));
    return reply.type(HTML).send(html);
  });

  app.post('/waves/plan/settings', { preHandler: requireRole('administrator'), schema: { tags: PAGE, summary: 'Turn automatic application of the plan on or off (HTML form)', body: FormBody } }, async (request, reply) => {
    const autoApply = (request.body as Record<string, unknown>).autoApply === 'on';
    await request.inOrg(async (tx, actor) => service.savePlanSettings(tx, actor, { ...(await service.planSettings(tx)), autoApply }));
    return reply.redirect('/waves/plan', 303);
  });

  app.post('/waves/plan/apply', { preHandler: managers, schema: { tags: PAGE, summary: 'Apply the default plan to an activity (HTML form)', body: Type.Object({ _csrf: Type.Optional(Type.String()), activityId: Uuid }) } }, async (request, reply) => {
    const { activityId } = request.body as { activityId: string };
    const html = await request.inOrg(async (tx, actor) => {
      const outcome = await service.applyPlanToActivity(tx, actor, activityId);
      return planPage(request.pageContext(reply), await service.planSettings(tx), await service.activitiesForChoice(tx), outcome);
    });
    return reply.type(HTML).send(html);
  });

  app.get('/waves/:id', { preHandler: readers, schema: { tags: PAGE, summary: 'One wave: rates and invitations (HTML)', params: Type.Object({ id: Uuid }), produces: ['text/html'] } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const html = await request.inOrg(async (tx) => {
      const wave = await service.getWave(tx, id);
      const [rate] = await service.responseRates(tx, 'wave', { waveIds: [id] });
      return wavePage(request.pageContext(reply), wave, rate, await service.listInvitations(tx, id), new Date());
    });
    return reply.type(HTML).send(html);
  });

  app.post('/waves/:id/cancel', { preHandler: managers, schema: { tags: PAGE, summary: 'Cancel a wave (HTML form)', params: Type.Object({ id: Uuid }) } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    await request.inOrg((tx, actor) => service.cancelWave(tx, actor, id));
    return reply.redirect(`/waves/${id}`, 303);
  });

  app.post(
    '/waves/:id/invitations/:invitationId/revoke',
    { preHandler: managers, schema: { tags: PAGE, summary: 'Revoke an invitation (HTML form)', params: Type.Object({ id: Uuid, invitationId: Uuid }) } },
    async (request, reply) => {
      const { id, invitationId } = request.params as { id: string; invitationId: string };
      await request.inOrg((tx, actor) => service.revokeInvitation(tx, actor, invitationId));
      return reply.redirect(`/waves/${id}`, 303);
    },
  );
};
