// Demo step: instruments and responses for the demo organisation's completed activities,
// over the participants and resource persons enrolled in them (catalogue and people demo first).
// Ordered by codes, never by generated ids, so that the seeded draws fall on the same people each time.
import { sql } from 'drizzle-orm';
import { rows } from '../db/database.ts';
import type { DemoContext } from '../demo/load.ts';
import { loadInstrumentsDemo, type DemoActivity } from '../instruments/demo.ts';
import { resourcePersonsFromEnrolments } from '../people/directory.ts';

interface ActivityWithEnrolments {
  id: string;
  startDate: string;
  endDate: string;
  modality: string;
  participantIds: string[];
}

export async function responsesDemoStep({ database, orgId }: DemoContext): Promise<string> {
  const [admin] = await rows<{ userId: string }>(
    database.system,
    sql`select user_id as "userId" from memberships where org_id = ${orgId} and role = 'administrator' limit 1`,
  );
  const { responses, activities } = await database.withOrg(orgId, async (tx) => {
    const found = await rows<ActivityWithEnrolments>(
      tx,
      sql`select a.id, a.start_date::text as "startDate", a.end_date::text as "endDate", a.modality::text as modality,
                 coalesce(array_agg(e.participant_id order by p.code) filter (where e.role = 'participant' and e.status in ('completed', 'certified')), '{}') as "participantIds"
            from activities a
            left join enrolments e on e.org_id = a.org_id and e.activity_id = a.id
            left join participants p on p.org_id = e.org_id and p.id = e.participant_id
           where a.status = 'completed' and a.start_date is not null and a.end_date is not null
           group by a.org_id, a.id order by a.start_date, a.code`,
    );
    const demoActivities: DemoActivity[] = [];
    for (const activity of found) {
      demoActivities.push({
        id: activity.id,
        startDate: activity.startDate,
        endDate: activity.endDate,
        modality: activity.modality === 'face_to_face' || activity.modality === 'blended' ? activity.modality : 'online',
        participantIds: activity.participantIds,
        resourcePersons: await resourcePersonsFromEnrolments.resourcePersonsOf(tx, activity.id),
      });
    }
    const actor = { userId: admin!.userId, orgId, role: 'administrator' as const, displayName: 'demo', email: '' };
    const result = await loadInstrumentsDemo(tx, actor, demoActivities);
    return { responses: result.responses, activities: demoActivities.length };
  });
  return `Instruments: standard end-of-activity, follow-up and pre/post tests; ${responses} responses over ${activities} completed activities.`;
}
