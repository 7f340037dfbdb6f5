// Crash safety: the server is killed with SIGKILL in the middle of a stream of submissions, and
// an import is killed half-way; after a restart every acknowledged submission is there exactly
// once and the import is either complete or absent. Runs against the embedded database (PGlite
// data folder) in the PGlite pass and against PostgreSQL in the PostgreSQL pass.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { openDatabase, rows, type Database } from '../db/database.ts';
import { runCli } from '../testing/cli.ts';
import { createPostgresDatabase } from '../testing/database.ts';
import { TestClient } from '../testing/http.ts';

const bin = fileURLToPath(new URL('../../bin/tracer.js', import.meta.url));
const PASSWORD = 'crash-test-password-2026';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('crash safety (SIGKILL)', () => {
  let folder: string;
  let env: Record<string, string | undefined>;
  let dropPostgres: (() => Promise<void>) | undefined;
  let port: number;

  const openDirectly = (): Promise<Database> =>
    openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.TRACER_DATA_DIR! });

  function startServer(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...env, PORT: String(port), LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 120_000);
      const watch = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Tracer is running')) {
          clearTimeout(timer);
          resolve(child);
        }
      };
      child.stdout!.on('data', watch);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
      child.on('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
    });
  }

  const killed = (child: ChildProcess) => new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tracer-crash-'));
    port = await freePort();
    const server = process.env.TEST_DATABASE_URL;
    if (server) {
      const created = await createPostgresDatabase(server);
      dropPostgres = created.drop;
      env = { DATABASE_URL: created.url, TRACER_DATA_DIR: undefined };
    } else {
      env = { TRACER_DATA_DIR: join(folder, 'data'), DATABASE_URL: undefined };
    }
    assert.equal((await runCli(['org', 'create', 'crash', '--name', 'Crash Test Centre'], { env })).code, 0);
    const user = await runCli(['user', 'create', 'evaluator@crash.test', '--role', 'evaluator', '--password-stdin'], { env, input: `${PASSWORD}\n` });
    assert.equal(user.code, 0, user.stderr);
  });
  after(async () => {
    await dropPostgres?.();
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps every acknowledged submission exactly once across a kill -9 and a restart', async () => {
    let server = await startServer();
    const url = `http://127.0.0.1:${port}`;
    const evaluator = await TestClient.signedIn(url, 'evaluator@crash.test', PASSWORD);
    const activity = await evaluator.post<{ id: string }>('/api/activities', { code: 'CRASH-1', title: 'Crash course', modality: 'webinar' });
    assert.ok(activity.status < 300, activity.text);
    const instrument = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'end_of_activity', key: 'eoa_crash' });
    assert.equal((await evaluator.post(`/api/instruments/${instrument.body.id}/versions`)).status, 201);
    const link = await evaluator.post<{ token: string }>(`/api/instruments/${instrument.body.id}/links`, { activityId: activity.body.id });
    assert.equal(link.status, 201, link.text);

    const acknowledged: string[] = [];
    let stop = false;
    const submitter = async () => {
      while (!stop) {
        const id = randomUUID();
        const body = { clientSubmissionId: id, final: true, answers: { eoa_relevance: 'agree', eoa_theory_practice: 'agree', eoa_can_apply: 'neutral', eoa_needs_met: 'fully', eoa_overall: 4 } };
        try {
          const response = await fetch(`${url}/r/${link.body.token}/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (response.status === 200) acknowledged.push(id);
          await response.arrayBuffer();
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 20 }, submitter);
    while (acknowledged.length < 60) await new Promise((resolve) => setTimeout(resolve, 50));
    await killed(server);
    stop = true;
    await Promise.all(clients);

    server = await startServer(); // after a crash: the stale lock of the embedded database is taken over
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const resent = await fetch(`${url}/r/${link.body.token}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientSubmissionId: acknowledged[0], final: true, answers: { eoa_overall: 1 } }),
    });
    assert.equal(resent.status, 200, 're-sending an acknowledged submission after the restart is answered, not duplicated');
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));

    const database = await openDirectly();
    try {
      const stored = await rows<{ id: string; n: number; answers: number }>(
        database.system,
        sql`select r.client_submission_id as id, (count(*) over (partition by r.client_submission_id))::int as n,
                   (select count(*)::int from answers a where a.org_id = r.org_id and a.response_id = r.id) as answers
              from responses r where r.status = 'complete'`,
      );
      const byId = new Map(stored.map((row) => [row.id, row]));
      for (const id of acknowledged) {
        const row = byId.get(id);
        assert.ok(row, `acknowledged submission ${id} is missing after the crash`);
        assert.equal(row.n, 1, `submission ${id} is stored ${row.n} times`);
        assert.ok(row.answers >= 5, `submission ${id} lost its answer rows`);
      }
    } finally {
      await database.close();
    }
  });

  it('leaves a killed import complete or absent, never half-written', async () => {
    const lines = ['participant_id,given_name,family_name,email,gender,birth_year,nationality,residence_country,organisation_type'];
    for (let i = 0; i < 4000; i++) lines.push(`CR-${i},Given${i},Family${i},p${i}@example.net,woman,1980,SN,SN,ministry_of_labour`);
    const file = join(folder, 'participants.csv');
    await writeFile(file, `${lines.join('\n')}\n`);

    const child = spawn(process.execPath, [bin, 'import', 'participants', file], {
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve) => {
      let output = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk;
        if (/read \d+ rows/.test(output)) setTimeout(resolve, 300); // the rows are being validated and written
      });
      child.on('exit', () => resolve());
    });
    await killed(child);

    const database = await openDirectly();
    try {
      const [row] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from participants where code like 'CR-%'`);
      assert.ok(row!.n === 0 || row!.n === 4000, `the import is half-written: ${row!.n} of 4000 rows`);
    } finally {
      await database.close();
    }
  });
});
