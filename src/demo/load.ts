// The demo organisation: a training centre with realistic, deterministic data (fixed seed), so
// that `npm start` always shows a living system. Each domain adds its own step to `demoSteps`.
import { sql } from 'drizzle-orm';
import { addMember, createOrganisation } from '../accounts/service.ts';
import { analyticsDemoStep } from '../analytics/demo.ts';
import { rows, type Database } from '../db/database.ts';
import { loadCatalogueDemo } from '../catalogue/demo.ts';
import { loadPeopleDemo } from '../people/demo.ts';
import { evaluationsDemoStep } from '../evaluations/demo.ts';
import { responsesDemoStep } from '../responses/demo-step.ts';
import { evidenceDemoStep } from '../evidence/demo.ts';
import { wavesDemoStep } from '../waves/demo.ts';

export const DEMO_ORG_SLUG = 'itc-demo';
export const DEMO_PASSWORD = 'tracer-demo-2026';

export const demoUsers = [
  { email: 'admin@demo.tracer', displayName: 'Amina Diallo', role: 'administrator' },
  { email: 'evaluator@demo.tracer', displayName: 'Lucía Fernández', role: 'evaluator' },
  { email: 'viewer@demo.tracer', displayName: 'Jean Dupont', role: 'viewer' },
  { email: 'trainer@demo.tracer', displayName: 'Rahul Mehta', role: 'trainer' },
] as const;

export interface DemoContext {
  database: Database;
  orgId: string;
}

/** Domain steps, run in order after the organisation and its users exist. */
export const demoSteps: Array<{ name: string; run: (ctx: DemoContext) => Promise<string> }> = [];
demoSteps.push({ name: 'catalogue', run: loadCatalogueDemo });
demoSteps.push({ name: 'people', run: loadPeopleDemo });
demoSteps.push({ name: 'responses', run: responsesDemoStep });
demoSteps.push({ name: 'waves', run: wavesDemoStep });
demoSteps.push({ name: 'analytics', run: analyticsDemoStep });
demoSteps.push({ name: 'evaluations', run: evaluationsDemoStep });
demoSteps.push({ name: 'evidence', run: evidenceDemoStep });

export async function isEmpty(database: Database): Promise<boolean> {
  const [found] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from organisations`);
  return found!.n === 0;
}

/** Loads the demo organisation; `onlySteps` (step names) lets a test load just what it needs. */
export async function loadDemo(database: Database, onlySteps?: string[]): Promise<string> {
  const org = await createOrganisation(database.system, DEMO_ORG_SLUG, 'International Training Centre (demo)');
  for (const user of demoUsers) {
    await addMember(database.system, org.id, { ...user, password: DEMO_PASSWORD });
  }
  const lines = [`Demo organisation "${org.slug}" created with ${demoUsers.length} users.`];
  for (const step of demoSteps) {
    if (onlySteps === undefined || onlySteps.includes(step.name)) lines.push(await step.run({ database, orgId: org.id }));
  }
  return lines.join('\n');
}
