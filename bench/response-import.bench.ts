// Importing 1,000,000 survey responses (a wide CSV, end-of-activity questionnaire: 5 answers and
// sometimes a comment per row, 50 activities) through the import engine on PostgreSQL — read,
// whole-file validation, one transaction writing `responses` and `answers` — against PostgreSQL
// `COPY` of exactly the rows the import wrote (both tables, same indexes). Goal: within 3× of COPY.
// Standalone: `npx tsx bench/response-import.bench.ts` (BENCH_ROWS, default 1000000; needs
// BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL naming a PostgreSQL server on this machine,
// superuser, because COPY reads and writes server-side files in /tmp; a throw-away database is used).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Actor } from '../src/accounts/service.ts';
import { activityImport } from '../src/catalogue/import.ts';
import { openDatabase, rows } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { importTable } from '../src/imports/importer.ts';
import { createStandardInstrument, publish } from '../src/instruments/service.ts';
import { responseImport } from '../src/responses/import.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { createTestOrg } from '../src/testing/http.ts';

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const total = Number(process.env.BENCH_ROWS ?? 1_000_000);

const { url, drop } = await createPostgresDatabase(serverUrl);
const database = await openDatabase({ kind: 'postgres', url });
const files = [`/tmp/tracer-bench-responses-${process.pid}.copy`, `/tmp/tracer-bench-answers-${process.pid}.copy`];
try {
  await migrate(database);
  const org = await createTestOrg(database, 'bench-import');
  const actor: Actor = { userId: randomUUID(), orgId: org.id, role: 'administrator', displayName: 'bench', email: org.emails.administrator };
  const activities = Array.from({ length: 50 }, (_, i) => `ACT-${i + 1}`);
  await importTable(database, actor, activityImport, { fileName: 'a.csv', bytes: Buffer.from(`code,title,modality\n${activities.map((code) => `${code},Course ${code},webinar`).join('\n')}\n`) });
  await database.withOrg(org.id, async (tx) => publish(tx, (await createStandardInstrument(tx, actor, 'end_of_activity')).id));

  // The file: deterministic pseudo-random answers.
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const agree = ['strongly_disagree', 'disagree', 'neutral', 'agree', 'strongly_agree'];
  const needs = ['not_at_all', 'partially', 'sufficiently', 'great_extent', 'fully'];
  const pick = (list: string[]) => list[Math.min(list.length - 1, Math.floor(random() * list.length))]!;
  const lines = ['submission_id,activity_code,submitted_at,eoa_relevance,eoa_theory_practice,eoa_can_apply,eoa_needs_met,eoa_overall,eoa_comments'];
  for (let i = 0; i < total; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`s-${i},${activities[i % activities.length]},2024-03-${day}T10:00:00Z,${pick(agree)},${pick(agree)},${pick(agree)},${pick(needs)},${1 + Math.floor(random() * 5)},${random() < 0.2 ? 'Useful sessions' : ''}`);
  }
  const bytes = Buffer.from(lines.join('\n'));
  lines.length = 0;
  process.stdout.write(`file: ${total} rows, ${(bytes.length / 1_048_576).toFixed(1)} MB\n`);

  const started = performance.now();
  const kind = await responseImport(database, actor, { instrumentKey: 'end_of_activity' });
  const report = await importTable(database, actor, kind, { fileName: 'responses.csv', bytes, onProgress: (message) => process.stdout.write(`  ${message}\n`) });
  const importSeconds = (performance.now() - started) / 1000;
  const [counts] = await rows<{ responses: number; answers: number }>(
    database.system,
    sql`select (select count(*)::int from responses) as responses, (select count(*)::int from answers) as answers`,
  );

  // COPY of the same rows: dump both tables, empty them, load them back (indexes in place).
  await database.system.execute(sql.raw(`copy responses to '${files[0]}'`));
  await database.system.execute(sql.raw(`copy answers to '${files[1]}'`));
  await database.system.execute(sql`truncate answers, responses cascade`);
  await database.system.execute(sql`checkpoint`);
  const copyStarted = performance.now();
  await database.system.transaction(async (tx) => {
    await tx.execute(sql.raw(`copy responses from '${files[0]}'`));
    await tx.execute(sql.raw(`copy answers from '${files[1]}'`));
  });
  const copySeconds = (performance.now() - copyStarted) / 1000;

  const result = {
    rows: total,
    written: report.written,
    responses: counts!.responses,
    answerRows: counts!.answers,
    importSeconds: Number(importSeconds.toFixed(1)),
    importRowsPerSecond: Math.round(total / importSeconds),
    copySeconds: Number(copySeconds.toFixed(1)),
    ratioToCopy: Number((importSeconds / copySeconds).toFixed(2)),
    rssMB: Math.round(process.memoryUsage().rss / 1_048_576),
    goal: { ratioToCopy: 3 },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await database.close();
  await drop();
  for (const file of files) rmSync(file, { force: true });
}
