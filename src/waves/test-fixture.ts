// A small organisation for wave tests: two activities, people with addresses, languages, consent
// and enrolment statuses chosen so that every rule has a case, and published instruments.
import type { Actor } from '../accounts/service.ts';
import { saveActivity } from '../catalogue/service.ts';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { createStandardInstrument, publish } from '../instruments/service.ts';
import { writeEnrolments, writeParticipants, type ParticipantInput } from '../people/service.ts';
import type { EnrolmentStatus } from '../people/vocabulary.ts';
import { createTestOrg, type TestOrg } from '../testing/http.ts';

export interface WaveFixture {
  org: TestOrg;
  actor: Actor;
  activities: { a: string; b: string };
  /** Participant ids by code. */
  people: Record<string, string>;
  instruments: { eoa: string; followUp: string };
}

/**
 * Activity A (2026-03-02 – 2026-03-06) and B (2026-03-09 – 2026-03-13). People (code: status,
 * language, consent, address):
 *   p1 completed fr consent · p2 certified es no-consent · p3 completed en consent · p4 enrolled
 *   (not eligible) · p5 withdrawn (not eligible) · p6 completed, no address · p7 completed en
 *   consent (in B) · t1 resource person of A.
 */
export async function createWaveFixture(database: Database, slug: string): Promise<WaveFixture> {
  const org = await createTestOrg(database, slug);
  const actor: Actor = { userId: '00000000-0000-0000-0000-000000000000', orgId: org.id, role: 'administrator', displayName: 'test', email: '' };
  const people: Array<ParticipantInput & { activity: 'A' | 'B'; status: EnrolmentStatus; role?: 'resource_person' }> = [
    { participantId: 'p1', givenName: 'Aïcha', email: 'p1@example.net', preferredLanguage: 'fr', consentFollowup: true, activity: 'A', status: 'completed' },
    { participantId: 'p2', givenName: 'Beatriz', email: 'p2@example.net', preferredLanguage: 'es', consentFollowup: false, activity: 'A', status: 'certified' },
    { participantId: 'p3', givenName: 'Chen', email: 'p3@example.net', preferredLanguage: 'en', consentFollowup: true, activity: 'A', status: 'completed' },
    { participantId: 'p4', givenName: 'Dara', email: 'p4@example.net', preferredLanguage: 'en', consentFollowup: true, activity: 'A', status: 'enrolled' },
    { participantId: 'p5', givenName: 'Emeka', email: 'p5@example.net', preferredLanguage: 'en', consentFollowup: true, activity: 'A', status: 'withdrawn' },
    { participantId: 'p6', givenName: 'Fatou', preferredLanguage: 'fr', consentFollowup: true, activity: 'A', status: 'completed' },
    { participantId: 'p7', givenName: 'Goran', email: 'p7@example.net', preferredLanguage: 'en', consentFollowup: true, activity: 'B', status: 'completed' },
    { participantId: 't1', givenName: 'Tomás', email: 't1@example.net', preferredLanguage: 'es', consentFollowup: true, activity: 'A', status: 'completed', role: 'resource_person' },
  ];
  return database.withOrg(org.id, async (tx) => {
    const a = await saveActivity(tx, org.id, { code: 'A-2026', title: 'Labour migration governance', modality: 'face_to_face', startDate: '2026-03-02', endDate: '2026-03-06', status: 'completed' });
    const b = await saveActivity(tx, org.id, { code: 'B-2026', title: 'Fair recruitment', modality: 'webinar', startDate: '2026-03-09', endDate: '2026-03-13', status: 'completed' });
    await writeParticipants(tx, actor, people.map(({ activity: _a, status: _s, role: _r, ...input }) => input));
    await writeEnrolments(tx, org.id, people.map((p) => ({ participantId: p.participantId!, activityCode: p.activity === 'A' ? 'A-2026' : 'B-2026', status: p.status, role: p.role ?? 'participant' })));
    const eoa = await createStandardInstrument(tx, actor, 'end_of_activity');
    const followUp = await createStandardInstrument(tx, actor, 'follow_up');
    await publish(tx, eoa.id);
    await publish(tx, followUp.id);
    const ids = await rows<{ code: string; id: string }>(tx, sql`select code, id from participants`);
    return { org, actor, activities: { a: a.id, b: b.id }, people: Object.fromEntries(ids.map((r) => [r.code, r.id])), instruments: { eoa: eoa.id, followUp: followUp.id } };
  });
}
