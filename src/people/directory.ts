// What other domains may ask of people and the catalogue without reaching into their tables:
// the resource persons of an activity (for trainer ratings on respondent pages) and display
// labels of activities (for evaluation scopes).
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';
import type { ResourcePerson, ResourcePersonSource } from '../responses/service.ts';
import type { ActivityLookup } from '../evaluations/indicator-results.ts';
import { openPersonalData } from './repository.ts';

/**
 * Resource persons are the enrolments with role `resource_person`. Their names are personal
 * data, opened here for this one purpose: a participant rating a course sees its trainers' names.
 */
export const resourcePersonsFromEnrolments: ResourcePersonSource = {
  async resourcePersonsOf(tx: Tx, activityId: string | null): Promise<ResourcePerson[]> {
    if (activityId === null) return [];
    await openPersonalData(tx);
    return rows<ResourcePerson>(
      tx,
      sql`select p.id, coalesce(nullif(concat_ws(' ', d.given_name, d.family_name), ''), p.code) as name
            from enrolments e
            join participants p on p.org_id = e.org_id and p.id = e.participant_id
            left join participant_personal_data d on d.org_id = p.org_id and d.participant_id = p.id
           where e.activity_id = ${activityId} and e.role = 'resource_person' and e.status <> 'withdrawn'
           order by name, p.id`,
    );
  },
};

export const activityLabelsFromCatalogue: ActivityLookup = {
  async describe(tx: Tx, activityIds: string[]): Promise<Map<string, string>> {
    if (activityIds.length === 0) return new Map();
    const found = await rows<{ id: string; label: string }>(
      tx,
      sql`select id, code || ' · ' || title as label from activities where id in ${activityIds}`,
    );
    return new Map(found.map((row) => [row.id, row.label]));
  },
  async options(tx: Tx): Promise<Array<{ id: string; label: string }>> {
    return rows<{ id: string; label: string }>(
      tx,
      sql`select id, code || ' · ' || title as label from activities order by start_date desc nulls last, code limit 1000`,
    );
  },
};

/**
 * Where to send a survey invitation: the e-mail address and given name of participants (personal
 * data, opened here for this one purpose: the waves scheduler inviting people to a survey).
 * Participants without an address are left out.
 */
export async function invitationContacts(tx: Tx, participantIds: string[]): Promise<Map<string, { email: string; givenName: string | null }>> {
  if (participantIds.length === 0) return new Map();
  await openPersonalData(tx);
  const found = await rows<{ participantId: string; email: string; givenName: string | null }>(
    tx,
    sql`select participant_id as "participantId", email, given_name as "givenName"
          from participant_personal_data
         where participant_id = any(${sql.param(participantIds)}::uuid[]) and email is not null and email <> ''`,
  );
  return new Map(found.map(({ participantId, ...contact }) => [participantId, contact]));
}
