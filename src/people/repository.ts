// Every query about participants, their personal data and enrolments.
import { and, asc, count, eq, exists, inArray, sql, type SQL } from 'drizzle-orm';
import { rows, type Queryable, type Tx } from '../db/database.ts';
import { chunks } from '../catalogue/repository.ts';
import { enrolments, participantPersonalData, participants } from './schema.ts';

export type ParticipantRow = typeof participants.$inferSelect;
export type ParticipantValues = Omit<typeof participants.$inferInsert, 'orgId' | 'id' | 'createdAt'>;
export type PersonalDataValues = Omit<typeof participantPersonalData.$inferInsert, 'orgId' | 'participantId'>;
export type EnrolmentValues = Omit<typeof enrolments.$inferInsert, 'orgId'>;

const participantTable = participants as unknown as Record<string, { name: string }>;

/** Lets this transaction read and write personal data (the restrictive policy checks it). */
export async function openPersonalData(tx: Tx): Promise<void> {
  await tx.execute(sql`select set_config('tracer.personal_data', 'allowed', true)`);
}

/** Inserts or updates by code; returns the ids by code and how many were new. */
export async function upsertParticipants(tx: Tx, orgId: string, values: ParticipantValues[]): Promise<{ ids: Map<string, string>; inserted: number }> {
  const ids = new Map<string, string>();
  let inserted = 0;
  for (const chunk of chunks(values, 500)) {
    const set = Object.fromEntries(
      Object.keys(chunk[0]!)
        .filter((key) => key !== 'code')
        .map((key) => [key, sql.raw(`excluded."${participantTable[key]!.name}"`)]),
    );
    const written = await tx
      .insert(participants)
      .values(chunk.map((value) => ({ ...value, orgId })))
      .onConflictDoUpdate({ target: [participants.orgId, participants.code], set })
      .returning({ id: participants.id, code: participants.code, isNew: sql<boolean>`(xmax = 0)` });
    for (const row of written) ids.set(row.code, row.id);
    inserted += written.filter((row) => row.isNew).length;
  }
  return { ids, inserted };
}

export async function upsertPersonalData(tx: Tx, orgId: string, values: Array<PersonalDataValues & { participantId: string }>): Promise<void> {
  for (const chunk of chunks(values, 500)) {
    await tx
      .insert(participantPersonalData)
      .values(chunk.map((value) => ({ ...value, orgId })))
      .onConflictDoUpdate({
        target: [participantPersonalData.orgId, participantPersonalData.participantId],
        set: {
          givenName: sql`excluded.given_name`,
          familyName: sql`excluded.family_name`,
          email: sql`excluded.email`,
          phone: sql`excluded.phone`,
        },
      });
  }
}

export async function participantIdsByCode(tx: Queryable, codes: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks(codes, 1000)) {
    const result = await tx.select({ id: participants.id, code: participants.code }).from(participants).where(inArray(participants.code, chunk));
    for (const row of result) found.set(row.code, row.id);
  }
  return found;
}

export async function findParticipant(tx: Queryable, id: string): Promise<ParticipantRow | undefined> {
  const [row] = await tx.select().from(participants).where(eq(participants.id, id));
  return row;
}

export async function findPersonalData(tx: Queryable, participantId: string) {
  const [row] = await tx.select().from(participantPersonalData).where(eq(participantPersonalData.participantId, participantId));
  return row;
}

export async function listParticipants(tx: Queryable, limit = 500): Promise<ParticipantRow[]> {
  return tx.select().from(participants).orderBy(asc(participants.code)).limit(limit);
}

export type ParticipantWithPersonalData = ParticipantRow & { givenName: string | null; familyName: string | null; email: string | null; phone: string | null };

/** Participants with their personal data (empty unless the transaction opened it). */
export async function listParticipantsWithPersonalData(tx: Queryable): Promise<ParticipantWithPersonalData[]> {
  const result = await tx
    .select({ participant: participants, personal: participantPersonalData })
    .from(participants)
    .leftJoin(participantPersonalData, sql`${participantPersonalData.orgId} = ${participants.orgId} and ${participantPersonalData.participantId} = ${participants.id}`)
    .orderBy(asc(participants.code));
  return result.map(({ participant, personal }) => ({
    ...participant,
    givenName: personal?.givenName ?? null,
    familyName: personal?.familyName ?? null,
    email: personal?.email ?? null,
    phone: personal?.phone ?? null,
  }));
}

export interface ParticipantFilter {
  gender?: string;
  /** Country of residence in this list (a residence region or sub-region, resolved by the service). */
  residenceCountries?: string[];
  constituentGroup?: string;
  disabilityStatus?: string;
  activityId?: string;
}

/**
 * One page of participants matching the filter, with the total; personal data is joined only when
 * asked (and is empty anyway unless the transaction opened it).
 */
export async function searchParticipants(
  tx: Queryable,
  filter: ParticipantFilter,
  page: { offset: number; limit: number },
  withPersonalData: boolean,
): Promise<{ total: number; list: ParticipantWithPersonalData[] }> {
  const conditions: SQL[] = [];
  if (filter.gender) conditions.push(sql`${participants.gender}::text = ${filter.gender}`);
  if (filter.residenceCountries) conditions.push(inArray(participants.residenceCountry, filter.residenceCountries.length > 0 ? filter.residenceCountries : ['']));
  if (filter.constituentGroup) conditions.push(sql`${participants.constituentGroup}::text = ${filter.constituentGroup}`);
  if (filter.disabilityStatus) conditions.push(sql`${participants.disabilityStatus}::text = ${filter.disabilityStatus}`);
  if (filter.activityId) {
    conditions.push(
      exists(
        tx
          .select({ one: sql`1` })
          .from(enrolments)
          .where(and(eq(enrolments.orgId, participants.orgId), eq(enrolments.participantId, participants.id), eq(enrolments.activityId, filter.activityId))),
      ),
    );
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const [counted] = await tx.select({ total: count() }).from(participants).where(where);
  const found = await tx
    .select({ participant: participants, personal: participantPersonalData })
    .from(participants)
    .leftJoin(
      participantPersonalData,
      withPersonalData
        ? sql`${participantPersonalData.orgId} = ${participants.orgId} and ${participantPersonalData.participantId} = ${participants.id}`
        : sql`false`,
    )
    .where(where)
    .orderBy(asc(participants.code))
    .offset(page.offset)
    .limit(page.limit);
  return {
    total: Number(counted?.total ?? 0),
    list: found.map(({ participant, personal }) => ({
      ...participant,
      givenName: personal?.givenName ?? null,
      familyName: personal?.familyName ?? null,
      email: personal?.email ?? null,
      phone: personal?.phone ?? null,
    })),
  };
}

/** Inserts or updates by participant and activity; returns how many were new. */
export async function upsertEnrolments(tx: Tx, orgId: string, values: EnrolmentValues[]): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(values, 500)) {
    const written = await tx
      .insert(enrolments)
      .values(chunk.map((value) => ({ ...value, orgId })))
      .onConflictDoUpdate({
        target: [enrolments.orgId, enrolments.participantId, enrolments.activityId],
        set: { role: sql`excluded.role`, status: sql`excluded.status`, sponsor: sql`excluded.sponsor`, completionDate: sql`excluded.completion_date` },
      })
      .returning({ isNew: sql<boolean>`(xmax = 0)` });
    inserted += written.filter((row) => row.isNew).length;
  }
  return inserted;
}

export interface EnrolmentListing {
  participantId: string;
  participantCode: string;
  activityId: string;
  activityCode: string;
  activityTitle: string;
  role: string;
  status: string;
  sponsor: string | null;
  completionDate: string | null;
}

export async function listEnrolments(tx: Queryable, activityId?: string, participantId?: string): Promise<EnrolmentListing[]> {
  return rows<EnrolmentListing>(
    tx,
    sql`select e.participant_id as "participantId", p.code as "participantCode", e.activity_id as "activityId", a.code as "activityCode", a.title as "activityTitle",
               e.role, e.status, e.sponsor, e.completion_date::text as "completionDate"
          from enrolments e
          join participants p on p.org_id = e.org_id and p.id = e.participant_id
          join activities a on a.org_id = e.org_id and a.id = e.activity_id
         ${activityId ? sql`where e.activity_id = ${activityId}` : participantId ? sql`where e.participant_id = ${participantId}` : sql``}
         order by a.code, p.code`,
  );
}

export interface Breakdown {
  dimension: 'gender' | 'region' | 'constituent_group' | 'disability_status' | 'ldc';
  value: string;
  count: number;
}

/**
 * Participants (role participant) of an activity counted by gender, region, constituent group,
 * disability and LDC nationality. LDC status is taken on the activity's start date (else its end
 * date, else today): a Nepali participant counts as an LDC national in a 2026 workshop before
 * 24 November and not after.
 */
export async function activityBreakdown(tx: Queryable, activityId: string): Promise<Breakdown[]> {
  return rows<Breakdown>(
    tx,
    sql`with enrolled as (select p.*, tracer_ldc_on(p.nationality, coalesce(a.start_date, a.end_date, current_date)) as ldc_then
                            from enrolments e
                            join participants p on p.org_id = e.org_id and p.id = e.participant_id
                            join activities a on a.org_id = e.org_id and a.id = e.activity_id
                           where e.activity_id = ${activityId} and e.role = 'participant')
        select 'gender' as dimension, coalesce(gender::text, 'unknown') as value, count(*)::int as count from enrolled group by 2
        union all select 'region', coalesce(region, 'unknown'), count(*)::int from enrolled group by 2
        union all select 'constituent_group', coalesce(constituent_group::text, 'unknown'), count(*)::int from enrolled group by 2
        union all select 'disability_status', disability_status::text, count(*)::int from enrolled group by 2
        union all select 'ldc', case ldc_then when true then 'ldc' when false then 'non_ldc' else 'unknown' end, count(*)::int from enrolled group by 2
        order by 1, 3 desc, 2`,
  );
}
