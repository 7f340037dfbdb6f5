// Demo step: about 5,000 participants with realistic inclusion data, enrolled in the demo
// activities (deterministic, fixed seed).
import { faker } from '@faker-js/faker';
import { demoActivities } from '../catalogue/demo.ts';
import type { DemoContext } from '../demo/load.ts';
import { writeEnrolments, writeParticipants, type EnrolmentInput, type ParticipantInput } from './service.ts';
import type { OrganisationType, WgAnswer } from './vocabulary.ts';

const nationalities = ['SN', 'CI', 'ML', 'NG', 'GH', 'KE', 'ET', 'UG', 'MA', 'TN', 'EG', 'JO', 'LB', 'NP', 'BD', 'PH', 'LK', 'ID', 'KH', 'MM', 'MX', 'GT', 'HN', 'CO', 'PE', 'FJ', 'HT', 'IT', 'FR', 'ES'];
const organisationTypes: OrganisationType[] = ['ministry_of_labour', 'ministry_of_labour', 'other_government', 'workers_organisation', 'employers_organisation', 'ngo_cso', 'academia', 'un_international', 'private_sector'];

function wgAnswer(): WgAnswer {
  const roll = faker.number.int({ min: 1, max: 100 });
  return roll <= 88 ? 'no_difficulty' : roll <= 97 ? 'some_difficulty' : roll <= 99 ? 'a_lot_of_difficulty' : 'cannot_do';
}

export function demoParticipants(count = 5000): ParticipantInput[] {
  faker.seed(5005);
  return Array.from({ length: count }, (_, index) => {
    const gender = faker.helpers.weightedArrayElement([
      { value: 'woman' as const, weight: 48 },
      { value: 'man' as const, weight: 47 },
      { value: 'non_binary' as const, weight: 1 },
      { value: 'self_described' as const, weight: 1 },
      { value: 'prefer_not_to_say' as const, weight: 3 },
    ]);
    const nationality = faker.helpers.arrayElement(nationalities);
    const givenName = faker.person.firstName(gender === 'woman' ? 'female' : gender === 'man' ? 'male' : undefined);
    const familyName = faker.person.lastName();
    const consent = faker.datatype.boolean({ probability: 0.7 });
    return {
      participantId: `P${String(index + 1).padStart(5, '0')}`,
      givenName,
      familyName,
      email: faker.internet.email({ firstName: givenName, lastName: familyName, provider: 'example.org' }),
      gender,
      genderDescription: gender === 'self_described' ? 'genderqueer' : null,
      birthYear: faker.number.int({ min: 1958, max: 2000 }),
      nationality,
      residenceCountry: faker.datatype.boolean({ probability: 0.8 }) ? nationality : faker.helpers.arrayElement(['QA', 'AE', 'SA', 'IT', 'MY', 'US']),
      organisation: faker.company.name(),
      organisationType: faker.helpers.arrayElement(organisationTypes),
      wg: { seeing: wgAnswer(), hearing: wgAnswer(), walking: wgAnswer(), cognition: wgAnswer(), selfcare: wgAnswer(), communication: wgAnswer() },
      preferredLanguage: faker.helpers.arrayElement(['en', 'fr', 'es']),
      consentFollowup: consent,
      consentDate: consent ? '2023-12-01' : null,
    };
  });
}

export async function loadPeopleDemo({ database, orgId }: DemoContext): Promise<string> {
  const participants = demoParticipants();
  const activities = demoActivities();
  const enrolments: EnrolmentInput[] = [];
  participants.forEach((participant, index) => {
    const taken = new Set<number>([index % activities.length]);
    if (index % 5 === 0) taken.add((index * 7 + 3) % activities.length);
    for (const activityIndex of taken) {
      const activity = activities[activityIndex]!;
      const status = activity.status === 'cancelled' ? 'withdrawn' : faker.helpers.arrayElement(['completed', 'completed', 'certified', 'withdrawn'] as const);
      enrolments.push({
        participantId: participant.participantId,
        activityCode: activity.code,
        role: index % 40 === 0 ? 'resource_person' : 'participant',
        status,
        sponsor: faker.datatype.boolean({ probability: 0.3 }) ? 'Fellowship programme' : null,
        completionDate: status === 'completed' || status === 'certified' ? (activity.endDate ?? null) : null,
      });
    }
  });
  const admin = { userId: '00000000-0000-0000-0000-000000000000', orgId, role: 'administrator' as const, displayName: 'demo', email: '' };
  await database.withOrg(orgId, async (tx) => {
    await writeParticipants(tx, admin, participants);
    await writeEnrolments(tx, orgId, enrolments);
  });
  return `People: ${participants.length} participants with inclusion data and ${enrolments.length} enrolments.`;
}
