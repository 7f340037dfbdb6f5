import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createOrganisation, resolveOrganisation } from '../accounts/service.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { runCli } from '../testing/cli.ts';
import { TestSmtpServer } from '../testing/smtp.ts';
import { enqueueMessage } from './service.ts';

/** The CLI on an embedded database of its own, whatever TEST_DATABASE_URL says. */
describe('tracer mail', { concurrency: false }, () => {
  let folder: string;
  let dataDir: string;
  let smtp: TestSmtpServer;
  let counter = 0;
  const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: undefined, TRACER_ORG: undefined, TRACER_DATA_DIR: dataDir, ...extra });

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tracer-mail-cli-'));
    dataDir = join(folder, 'data');
    smtp = await TestSmtpServer.start();
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      await migrate(database);
      await createOrganisation(database.system, 'cli-centre', 'CLI Centre');
    } finally {
      await database.close();
    }
  });
  after(async () => {
    await smtp.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function enqueue(count: number): Promise<void> {
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const { id } = await resolveOrganisation(database.system, 'cli-centre');
      for (let i = 0; i < count; i++) {
        counter++;
        await database.withOrg(id, (tx) =>
          enqueueMessage(tx, { kind: 'notice', to: `p${counter}@example.net`, language: 'en', subject: `Notice ${counter}`, text: 'Hello', dedupeKey: `cli-${counter}` }),
        );
      }
    } finally {
      await database.close();
    }
  }

  it('without SMTP settings, send-due --once writes the log file and status counts by status', async () => {
    await enqueue(2);
    const before = await runCli(['mail', 'status'], { env: env() });
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /^cli-centre: queued 2, sending 0, sent 0, retrying 0, bounced 0, failed 0, suppressed 0, uncertain 0$/m);

    const sent = await runCli(['mail', 'send-due', '--once'], { env: env() });
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /E-mail: written to .*data\.mail\.jsonl \(no SMTP settings\)/);
    assert.match(sent.stdout, /sent 2, retrying 0/);
    const logFile = `${dataDir}.mail.jsonl`;
    assert.ok(existsSync(logFile));
    assert.equal(readFileSync(logFile, 'utf8').trim().split('\n').length, 2);

    const afterwards = await runCli(['mail', 'status', '--org', 'cli-centre'], { env: env() });
    assert.match(afterwards.stdout, /queued 0, sending 0, sent 2,/);
  });

  it('sends over SMTP as configured by SMTP_URL and MAIL_FROM', async () => {
    await enqueue(1);
    const result = await runCli(['mail', 'send-due', '--once'], {
      env: env({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'CLI Centre <surveys@cli.example.org>' }),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`E-mail: SMTP 127\\.0\\.0\\.1:${smtp.port}\\n`));
    assert.equal(smtp.received.length, 1);
    assert.match(smtp.received[0]!.headers.from!, /surveys@cli\.example\.org/);
  });

  it('says what is wrong with the SMTP settings in one line', async () => {
    const result = await runCli(['mail', 'status'], { env: env({ SMTP_URL: 'http://mail.example.org' }) });
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim(), 'tracer: SMTP_URL must start with smtp:// or smtps:// (got http://); expected smtp://user:password@host:587 or smtps://user:password@host:465');
  });

  it('tracer serve sends due mail in the background and stops cleanly on SIGTERM', async () => {
    await enqueue(1);
    smtp.received.length = 0;
    const bin = new URL('../../bin/tracer.js', import.meta.url).pathname;
    const childEnv: Record<string, string | undefined> = {
      ...process.env,
      NODE_TEST_CONTEXT: undefined,
      ...env({ PORT: '0', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'surveys@cli.example.org', LOG_LEVEL: 'warn' }),
    };
    for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
    const child = spawn(process.execPath, [bin, 'serve'], { env: childEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (smtp.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(smtp.received.length, 1, `nothing received; server said: ${output}`);
      assert.match(output, /E-mail: SMTP 127\.0\.0\.1/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
