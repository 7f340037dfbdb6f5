// Every query of the waves domain. Eligibility, invitations, reminders and response rates are SQL
// over enrolments, responses and the outbox (read only): rates are computed in the database.
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { rows, type Db, type Queryable, type Tx } from '../db/database.ts';
import { collectionLinks } from '../instruments/schema.ts';
import type { WavePlanItem, WavePopulation } from './model.ts';
import { waveActivities, waveInvitations, waveInvitationTokens, waves, waveSettings } from './schema.ts';

export type WaveRow = typeof waves.$inferSelect;
export type InvitationRow = typeof waveInvitations.$inferSelect;

export interface NewWaveRow {
  name: string;
  instrumentId: string;
  instrumentVersionId: string;
  population: WavePopulation;
  eligibleStatuses: string[];
  anchor: 'start' | 'end' | 'fixed';
  offsetMonths: number;
  offsetDays: number;
  opensAt: Date;
  closesAt: Date;
  reminderDays: number[];
  planKey: string | null;
}

/**
 * Inserts a wave with its closed collection link and its activities. With a plan key already
 * used (the plan was applied to this activity before), inserts nothing and returns undefined.
 */
export async function insertWave(tx: Tx, wave: NewWaveRow, activityIds: string[]): Promise<WaveRow | undefined> {
  const [link] = await tx
    .insert(collectionLinks)
    .values({ orgId: sql`tracer_current_org()`, token: randomBytes(32).toString('base64url'), instrumentVersionId: wave.instrumentVersionId, activityId: null, closedAt: sql`now()` })
    .returning({ id: collectionLinks.id });
  const [row] = await tx
    .insert(waves)
    .values({ ...wave, orgId: sql`tracer_current_org()`, collectionLinkId: link!.id })
    .onConflictDoNothing({ target: [waves.orgId, waves.planKey] })
    .returning();
  if (!row) {
    await tx.delete(collectionLinks).where(eq(collectionLinks.id, link!.id));
    return undefined;
  }
  await tx.insert(waveActivities).values(activityIds.map((activityId) => ({ orgId: sql`tracer_current_org()`, waveId: row.id, activityId })));
  return row;
}

export async function findWave(tx: Queryable, id: string): Promise<WaveRow | undefined> {
  const [row] = await tx.select().from(waves).where(eq(waves.id, id));
  return row;
}

export async function cancelWave(tx: Tx, id: string, now: Date): Promise<boolean> {
  const done = await tx.update(waves).set({ cancelledAt: now }).where(and(eq(waves.id, id), isNull(waves.cancelledAt))).returning({ id: waves.id });
  return done.length > 0;
}

export interface WaveListRow extends WaveRow {
  instrumentKey: string;
  purpose: string;
  version: number;
  activities: Array<{ id: string; code: string; title: string }>;
}

export async function listWaves(tx: Queryable, filter: { id?: string; activityId?: string; openAt?: Date; limit?: number } = {}): Promise<WaveListRow[]> {
  const byActivity = filter.activityId
    ? sql`and exists (select 1 from wave_activities f where f.org_id = w.org_id and f.wave_id = w.id and f.activity_id = ${filter.activityId})`
    : sql``;
  const byId = filter.id ? sql`and w.id = ${filter.id}` : sql``;
  const open = filter.openAt
    ? sql`and w.cancelled_at is null and w.opens_at <= ${filter.openAt.toISOString()} and w.closes_at > ${filter.openAt.toISOString()}`
    : sql``;
  return rows<WaveListRow>(
    tx,
    sql`select w.id, w.org_id as "orgId", w.name, w.instrument_id as "instrumentId", w.instrument_version_id as "instrumentVersionId",
               w.collection_link_id as "collectionLinkId", w.population, w.eligible_statuses as "eligibleStatuses", w.anchor,
               w.offset_months as "offsetMonths", w.offset_days as "offsetDays", w.opens_at as "opensAt", w.closes_at as "closesAt",
               w.reminder_days as "reminderDays", w.plan_key as "planKey", w.cancelled_at as "cancelledAt", w.created_at as "createdAt",
               i.key as "instrumentKey", i.purpose, v.version,
               (select coalesce(json_agg(json_build_object('id', a.id, 'code', a.code, 'title', a.title) order by a.start_date, a.code), '[]'::json)
                  from wave_activities wa join activities a on a.org_id = wa.org_id and a.id = wa.activity_id
                 where wa.org_id = w.org_id and wa.wave_id = w.id) as activities
          from waves w
          join instruments i on i.org_id = w.org_id and i.id = w.instrument_id
          join instrument_versions v on v.org_id = w.org_id and v.id = w.instrument_version_id
         where true ${byActivity} ${byId} ${open}
         order by w.opens_at desc, w.name, w.id
         limit ${filter.limit ?? 500}`,
  ).then((found) => found.map((row) => ({ ...row, opensAt: new Date(row.opensAt), closesAt: new Date(row.closesAt), createdAt: new Date(row.createdAt), cancelledAt: row.cancelledAt && new Date(row.cancelledAt) })));
}

export async function activityIdsOf(tx: Queryable, waveId: string): Promise<string[]> {
  const found = await tx.select({ id: waveActivities.activityId }).from(waveActivities).where(eq(waveActivities.waveId, waveId));
  return found.map((row) => row.id);
}

export interface ActivityFacts {
  id: string;
  code: string;
  title: string;
  startDate: string | null;
  endDate: string | null;
  status: string;
}

export async function activitiesByIds(tx: Queryable, ids: string[]): Promise<ActivityFacts[]> {
  if (ids.length === 0) return [];
  return rows<ActivityFacts>(
    tx,
    sql`select id, code, title, start_date::text as "startDate", end_date::text as "endDate", status::text as status
          from activities where id = any(${sql.param(ids)}::uuid[]) order by start_date, code`,
  );
}

/** Activities the default plan may apply to by itself: dated and not cancelled. */
export async function plannableActivities(tx: Queryable): Promise<ActivityFacts[]> {
  return rows<ActivityFacts>(
    tx,
    sql`select id, code, title, start_date::text as "startDate", end_date::text as "endDate", status::text as status
          from activities where status <> 'cancelled' and start_date is not null and end_date is not null order by start_date, code`,
  );
}

/** The latest published version of each instrument key. */
export async function latestVersionsByKey(tx: Queryable, keys: string[]): Promise<Map<string, { instrumentId: string; versionId: string; anonymous: boolean }>> {
  if (keys.length === 0) return new Map();
  const found = await rows<{ key: string; instrumentId: string; versionId: string; anonymous: boolean }>(
    tx,
    sql`select distinct on (i.key) i.key, i.id as "instrumentId", v.id as "versionId", i.anonymous
          from instruments i join instrument_versions v on v.org_id = i.org_id and v.instrument_id = i.id
         where i.key = any(${sql.param(keys)}::text[])
         order by i.key, v.version desc`,
  );
  return new Map(found.map(({ key, ...rest }) => [key, rest]));
}

// ---------------------------------------------------------------- eligibility

/** Enrolment `e` belongs to the eligible population of wave `w` (both aliases in scope). */
const eligibleEnrolment = sql`(case when w.population = 'resource_persons'
                                    then e.role = 'resource_person' and e.status <> 'withdrawn'
                                    else e.role = 'participant' and e.status::text = any(w.eligible_statuses) end)`;

export async function dueWaveIds(tx: Queryable, now: Date): Promise<string[]> {
  const found = await rows<{ id: string }>(
    tx,
    sql`select id from waves where cancelled_at is null and opens_at <= ${now.toISOString()}::timestamptz and closes_at > ${now.toISOString()}::timestamptz order by opens_at, id`,
  );
  return found.map((row) => row.id);
}

export interface Candidate {
  participantId: string;
  activityId: string;
  preferredLanguage: string | null;
  activityTitle: string;
}

/**
 * Eligible people of a wave not invited yet, in (activity, participant) order after `after`.
 * Contact after the activity has ended needs consent to follow-up.
 */
export async function uninvited(tx: Queryable, waveId: string, after: { activityId: string; participantId: string } | undefined, limit: number): Promise<Candidate[]> {
  const keyset = after ? sql`and (e.activity_id, e.participant_id) > (${after.activityId}::uuid, ${after.participantId}::uuid)` : sql``;
  return rows<Candidate>(
    tx,
    sql`select e.participant_id as "participantId", e.activity_id as "activityId", p.preferred_language as "preferredLanguage", a.title as "activityTitle"
          from waves w
          join wave_activities wa on wa.org_id = w.org_id and wa.wave_id = w.id
          join activities a on a.org_id = wa.org_id and a.id = wa.activity_id
          join enrolments e on e.org_id = wa.org_id and e.activity_id = wa.activity_id
          join participants p on p.org_id = e.org_id and p.id = e.participant_id
         where w.id = ${waveId} and ${eligibleEnrolment}
           and (p.consent_followup or a.end_date is null or w.opens_at::date <= a.end_date)
           and not exists (select 1 from wave_invitations i
                            where i.org_id = w.org_id and i.wave_id = w.id and i.activity_id = e.activity_id and i.participant_id = e.participant_id)
           ${keyset}
         order by e.activity_id, e.participant_id
         limit ${limit}`,
  );
}

/** Inserts the invitation unless this person already has one for this wave and activity (then undefined). */
export async function insertInvitation(tx: Tx, values: { waveId: string; activityId: string; participantId: string; language: string }, now: Date): Promise<InvitationRow | undefined> {
  const [row] = await tx
    .insert(waveInvitations)
    .values({ ...values, orgId: sql`tracer_current_org()`, createdAt: now })
    .onConflictDoNothing({ target: [waveInvitations.orgId, waveInvitations.waveId, waveInvitations.activityId, waveInvitations.participantId] })
    .returning();
  return row;
}

export async function setInvitationMessage(tx: Tx, invitationId: string, messageId: string): Promise<void> {
  await tx.update(waveInvitations).set({ messageId }).where(eq(waveInvitations.id, invitationId));
}

export async function insertToken(tx: Tx, invitationId: string, tokenHash: string, now: Date): Promise<void> {
  await tx.insert(waveInvitationTokens).values({ orgId: sql`tracer_current_org()`, tokenHash, invitationId, createdAt: now });
}

/** Whether participant `i.participant_id` answered wave `w` about `i.activity_id` (through the invitation or otherwise, within the wave's dates). */
const answeredSql = (status: SQL, person = sql`i`) => sql`exists (select 1 from responses r
   where r.org_id = w.org_id and r.participant_id = ${person}.participant_id and r.instrument_id = w.instrument_id and r.activity_id = ${person}.activity_id
     and ${status}
     and (r.client_submission_id = 'wave-' || i.id::text or coalesce(r.submitted_at, r.started_at) between w.opens_at and w.closes_at))`;

export interface ReminderCandidate {
  invitationId: string;
  participantId: string;
  activityId: string;
  language: string;
  remindersSent: number;
  /** How many reminder days have passed since the invitation was sent. */
  due: number;
  activityTitle: string;
}

/**
 * Invitations of a wave owed a reminder: delivered, not revoked, no complete response yet, and
 * a reminder day passed since the invitation was sent that has not been reminded for.
 */
export async function remindersDue(tx: Queryable, waveId: string, now: Date, limit: number): Promise<ReminderCandidate[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  return rows<ReminderCandidate>(
    tx,
    sql`select * from (
          select i.id as "invitationId", i.participant_id as "participantId", i.activity_id as "activityId", i.language,
                 i.reminders_sent as "remindersSent", a.title as "activityTitle",
                 (select count(*)::int from unnest(w.reminder_days) d where m.sent_at + make_interval(days => d) <= ${at}) as due
            from waves w
            join wave_invitations i on i.org_id = w.org_id and i.wave_id = w.id
            join activities a on a.org_id = i.org_id and a.id = i.activity_id
            join outbound_messages m on m.org_id = i.org_id and m.id = i.message_id
           where w.id = ${waveId} and i.revoked_at is null and m.status = 'sent'
             and i.response_status is distinct from 'complete'
             and not ${answeredSql(sql`r.status = 'complete'`)}
        ) owed
        where due > "remindersSent"
        order by "invitationId"
        limit ${limit}`,
  );
}

/** Claims reminder number `due` of an invitation; false when another run did already (row lock + condition). */
export async function claimReminder(tx: Tx, invitationId: string, from: number, to: number, now: Date): Promise<boolean> {
  const done = await tx
    .update(waveInvitations)
    .set({ remindersSent: to, lastReminderAt: now })
    .where(and(eq(waveInvitations.id, invitationId), eq(waveInvitations.remindersSent, from)))
    .returning({ id: waveInvitations.id });
  return done.length > 0;
}

// ---------------------------------------------------------------- personal links

/** The organisation and invitation of a token hash: the one lookup made before the organisation is known. */
export async function findTokenOwner(system: Db, tokenHash: string): Promise<{ orgId: string; invitationId: string } | undefined> {
  const [row] = await system
    .select({ orgId: waveInvitationTokens.orgId, invitationId: waveInvitationTokens.invitationId })
    .from(waveInvitationTokens)
    .where(eq(waveInvitationTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

export async function findInvitation(tx: Queryable, id: string): Promise<InvitationRow | undefined> {
  const [row] = await tx.select().from(waveInvitations).where(eq(waveInvitations.id, id));
  return row;
}

export async function markOpened(tx: Tx, invitationId: string, now: Date): Promise<void> {
  await tx.update(waveInvitations).set({ openedAt: now }).where(and(eq(waveInvitations.id, invitationId), isNull(waveInvitations.openedAt)));
}

/** The client submission id of an anonymous instrument's partial response through this invitation. */
export async function setAnonymousSubmissionId(tx: Tx, invitationId: string, id: string): Promise<string> {
  await tx.update(waveInvitations).set({ anonymousSubmissionId: id }).where(eq(waveInvitations.id, invitationId));
  return id;
}

/** Where the invitation's response stands; for anonymous instruments a complete response is then forgotten. */
export async function recordResponse(tx: Tx, invitationId: string, status: 'partial' | 'complete', now: Date, anonymous: boolean): Promise<void> {
  await tx
    .update(waveInvitations)
    .set({ responseStatus: status, respondedAt: now, ...(anonymous && status === 'complete' ? { anonymousSubmissionId: null } : {}) })
    .where(and(eq(waveInvitations.id, invitationId), sql`${waveInvitations.responseStatus} is distinct from 'complete'`));
}

export async function revokeInvitation(tx: Tx, invitationId: string, now: Date): Promise<boolean> {
  const done = await tx
    .update(waveInvitations)
    .set({ revokedAt: now })
    .where(and(eq(waveInvitations.id, invitationId), isNull(waveInvitations.revokedAt)))
    .returning({ id: waveInvitations.id });
  return done.length > 0;
}

export interface InvitationListRow {
  id: string;
  participantId: string;
  participantCode: string;
  activityId: string;
  activityCode: string;
  language: string;
  messageStatus: string | null;
  remindersSent: number;
  openedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  response: 'complete' | 'partial' | null;
}

export async function listInvitations(tx: Queryable, waveId: string, limit = 1000): Promise<InvitationListRow[]> {
  return rows<InvitationListRow>(
    tx,
    sql`select i.id, i.participant_id as "participantId", p.code as "participantCode", i.activity_id as "activityId", a.code as "activityCode",
               i.language, m.status::text as "messageStatus", i.reminders_sent as "remindersSent",
               i.opened_at as "openedAt", i.revoked_at as "revokedAt", i.created_at as "createdAt",
               case when i.response_status = 'complete' or ${answeredSql(sql`r.status = 'complete'`)} then 'complete'
                    when i.response_status = 'partial' or ${answeredSql(sql`r.status = 'partial'`)} then 'partial' end as response
          from waves w
          join wave_invitations i on i.org_id = w.org_id and i.wave_id = w.id
          join participants p on p.org_id = i.org_id and p.id = i.participant_id
          join activities a on a.org_id = i.org_id and a.id = i.activity_id
          left join outbound_messages m on m.org_id = i.org_id and m.id = i.message_id
         where w.id = ${waveId}
         order by a.code, p.code
         limit ${limit}`,
  );
}

// ---------------------------------------------------------------- response rates

export type RateGrouping = 'wave' | 'purpose' | 'instrument' | 'activity' | 'total';

/** Which waves and activities count: some waves, one activity, or a set of activities (a report's scope). */
export interface RateFilter {
  waveIds?: string[];
  activityId?: string;
  activityIds?: string[];
}

export interface RateRow {
  /** The wave id, purpose, instrument key or activity id; 'all' for the total. */
  groupKey: string;
  waves: number;
  eligible: number;
  invited: number;
  delivered: number;
  bounced: number;
  opened: number;
  partial: number;
  complete: number;
  rr1: number | null;
  rr2: number | null;
}

const groupExpressions: Record<RateGrouping, SQL> = {
  wave: sql`p.wave_id::text`,
  purpose: sql`p.purpose`,
  instrument: sql`p.instrument_key`,
  activity: sql`p.activity_id::text`,
  total: sql`'all'`,
};

/**
 * Response rates over the eligible population of the waves (cancelled waves left out): one row per
 * group. A person counts as complete (or partial) for a wave when they have a complete (or only a
 * partial) response to the wave's instrument about that activity, made through their invitation or
 * otherwise (imported) within the wave's dates, or, for anonymous instruments (whose responses name
 * nobody), when their invitation recorded it. RR1 = complete / eligible; RR2 = (complete +
 * partial) / eligible (AAPOR).
 */
export async function responseRateRows(tx: Queryable, filter: RateFilter, groupBy: RateGrouping): Promise<RateRow[]> {
  const conditions: SQL[] = [sql`w.cancelled_at is null`];
  if (filter.waveIds) conditions.push(sql`w.id = any(${sql.param(filter.waveIds)}::uuid[])`);
  if (filter.activityId) conditions.push(sql`wa.activity_id = ${filter.activityId}`);
  if (filter.activityIds) conditions.push(sql`wa.activity_id = any(${sql.param(filter.activityIds)}::uuid[])`);
  const group = groupExpressions[groupBy];
  return rows<RateRow>(
    tx,
    sql`with people as (
          select w.id as wave_id, ins.purpose, ins.key as instrument_key, e.activity_id, i.opened_at, m.status::text as message_status,
                 i.id as invitation_id,
                 case when i.response_status = 'complete' or ${answeredSql(sql`r.status = 'complete'`, sql`e`)} then 2
                      when i.response_status = 'partial' or ${answeredSql(sql`r.status = 'partial'`, sql`e`)} then 1 else 0 end as answered
            from waves w
            join instruments ins on ins.org_id = w.org_id and ins.id = w.instrument_id
            join wave_activities wa on wa.org_id = w.org_id and wa.wave_id = w.id
            join enrolments e on e.org_id = wa.org_id and e.activity_id = wa.activity_id
            left join wave_invitations i on i.org_id = w.org_id and i.wave_id = w.id and i.activity_id = e.activity_id and i.participant_id = e.participant_id
            left join outbound_messages m on m.org_id = i.org_id and m.id = i.message_id
           where ${and(...conditions)} and ${eligibleEnrolment}
        )
        select ${group} as "groupKey",
               count(distinct p.wave_id)::int as waves,
               count(*)::int as eligible,
               count(p.invitation_id)::int as invited,
               (count(*) filter (where p.message_status = 'sent'))::int as delivered,
               (count(*) filter (where p.message_status = 'bounced'))::int as bounced,
               (count(*) filter (where p.opened_at is not null))::int as opened,
               (count(*) filter (where p.answered = 1))::int as partial,
               (count(*) filter (where p.answered = 2))::int as complete,
               ((count(*) filter (where p.answered = 2))::float8 / nullif(count(*), 0))::float8 as rr1,
               ((count(*) filter (where p.answered >= 1))::float8 / nullif(count(*), 0))::float8 as rr2
          from people p
         group by 1
         order by 1`,
  );
}

// ---------------------------------------------------------------- settings

export async function findSettings(tx: Queryable): Promise<{ autoApply: boolean; plan: WavePlanItem[] } | undefined> {
  const [row] = await tx.select({ autoApply: waveSettings.autoApply, plan: waveSettings.plan }).from(waveSettings);
  return row;
}

export async function saveSettings(tx: Tx, values: { autoApply: boolean; plan: WavePlanItem[] }): Promise<void> {
  await tx
    .insert(waveSettings)
    .values({ ...values, orgId: sql`tracer_current_org()`, updatedAt: sql`now()` })
    .onConflictDoUpdate({ target: [waveSettings.orgId], set: { autoApply: values.autoApply, plan: values.plan, updatedAt: sql`now()` } });
}
