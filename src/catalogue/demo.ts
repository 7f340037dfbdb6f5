// Demo step: the training centre's published catalogue — about 60 activities over 2021–2023 and
// a dozen learning resources, deterministic (fixed seed).
import { faker } from '@faker-js/faker';
import type { DemoContext } from '../demo/load.ts';
import { activityDescription, replicationNote, resourceDescription } from './demo-texts.ts';
import { themeCodes, writeActivities, writeResources, type ActivityInput, type ResourceInput } from './service.ts';
import { defaultThemes, modalities, type FeeType } from './vocabulary.ts';

const topics: Array<{ theme: string; en: string; fr: string; es: string }> = defaultThemes.map((theme) => ({ theme: theme.code, en: theme.en, fr: theme.fr, es: theme.es }));
const venues: Array<[string, string]> = [['IT', 'Turin'], ['SN', 'Dakar'], ['CI', 'Abidjan'], ['KE', 'Nairobi'], ['TH', 'Bangkok'], ['PH', 'Manila'], ['NP', 'Kathmandu'], ['JO', 'Amman'], ['CR', 'San José'], ['PE', 'Lima'], ['MA', 'Rabat'], ['FJ', 'Suva']];
const formats = { en: ['Course on', 'Workshop:', 'Academy on', 'Training of trainers:'], fr: ['Cours sur :', 'Atelier :', 'Académie :', 'Formation de formateurs :'], es: ['Curso sobre', 'Taller:', 'Academia sobre', 'Formación de formadores:'] };
const targetGroups = ['labour ministries', 'workers organisations', 'employers organisations', 'recruitment agencies', 'labour inspectors', 'statisticians', 'consular staff'];
const programmes = ['Migration', 'International Labour Standards', 'Social Protection', 'Employment Policy'];

/** Keeps a random draw (so the seeded sequence is unchanged) but uses the realistic text. */
const instead = (_randomDraw: string, text: string) => text;

export function demoActivities(): ActivityInput[] {
  faker.seed(3003);
  const activities: ActivityInput[] = [];
  for (let index = 0; index < 60; index++) {
    const topic = topics[index % topics.length]!;
    const lang = faker.helpers.arrayElement(['en', 'en', 'fr', 'es'] as const);
    const modality = faker.helpers.arrayElement(modalities);
    const online = modality.startsWith('online') || modality === 'webinar';
    const venue = faker.helpers.arrayElement(venues);
    const start = faker.date.between({ from: '2021-01-10T00:00:00Z', to: '2023-11-30T00:00:00Z' });
    const end = new Date(start.getTime() + faker.number.int({ min: 2, max: 40 }) * 86_400_000);
    const title = `${faker.helpers.arrayElement(formats[lang])} ${topic[lang].toLowerCase()}`;
    // The seeded generator advances exactly as when these texts were random words (the draws are
    // discarded), so that every other field (dates, codes, fees) and the demo steps built on them stay the same.
    faker.lorem.sentence({ min: 8, max: 14 });
    activities.push({
      code: `A${start.getUTCFullYear()}-${String(index + 1).padStart(3, '0')}`,
      title,
      description: '', // written below, once the target groups are drawn
      themes: [topic.theme, ...(index % 3 === 0 ? ['gender_and_migration'] : [])].filter((v, i, all) => all.indexOf(v) === i),
      modality,
      languages: lang === 'en' ? ['en'] : [lang, 'en'],
      startDate: start.toISOString().slice(0, 10),
      endDate: end.toISOString().slice(0, 10),
      country: online ? null : venue[0],
      city: online ? null : venue[1],
      feeType: faker.helpers.arrayElement<FeeType>(['free', 'fee', 'sponsored']),
      isOpen: index % 4 !== 0,
      targetGroups: faker.helpers.arrayElements(targetGroups, { min: 1, max: 3 }),
      programme: faker.helpers.arrayElement(programmes),
      markers: faker.helpers.arrayElements(['gender', 'international_labour_standards', 'social_dialogue', 'disability', 'environment'] as const, { min: 1, max: 3 }),
      status: index % 29 === 5 ? 'cancelled' : 'completed',
      capacity: faker.number.int({ min: 20, max: 60 }),
      cost: faker.number.int({ min: 5_000, max: 120_000 }),
      replicationNotes: instead(faker.lorem.sentence(), replicationNote(lang, index)),
      contact: faker.internet.email({ provider: 'demo.tracer' }),
      published: true,
    });
    const activity = activities[activities.length - 1]!;
    activity.description = activityDescription(topic.theme, lang, modality, activity.targetGroups ?? [], index);
  }
  return activities;
}

function demoResources(activities: ActivityInput[]): ResourceInput[] {
  const types = ['handbook', 'toolkit', 'course', 'video', 'guide', 'dataset'] as const;
  return topics.map((topic, index) => ({
    title: index % 2 === 0 ? `${topic.en}: a practical ${types[index % types.length]}` : `${topic.fr} : guide pratique`,
    type: types[index % types.length]!,
    description: resourceDescription(topic.theme, index % 2 === 0 ? 'en' : 'fr', index),
    languages: index % 2 === 0 ? ['en'] : ['fr'],
    licence: 'CC BY 4.0',
    url: `https://example.org/resources/${topic.theme}`,
    themes: [topic.theme],
    openAccess: true,
    published: true,
    activityCodes: activities.filter((activity) => activity.themes?.includes(topic.theme)).slice(0, 3).map((activity) => activity.code),
  }));
}

export async function loadCatalogueDemo({ database, orgId }: DemoContext): Promise<string> {
  const activities = demoActivities();
  const resources = demoResources(activities);
  await database.withOrg(orgId, async (tx) => {
    await themeCodes(tx, orgId);
    await writeActivities(tx, orgId, activities);
    await writeResources(tx, orgId, resources);
  });
  return `Catalogue: ${activities.length} published activities (2021–2023) and ${resources.length} learning resources.`;
}
