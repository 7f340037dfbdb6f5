import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { signIn } from '../accounts/service.ts';
import { openDatabase } from '../db/database.ts';
import { runCli } from '../testing/cli.ts';

const folders: string[] = [];
function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tracer-cli-'));
  folders.push(dir);
  return join(dir, 'data');
}
const embedded = (dataDir: string, extra: Record<string, string> = {}) => ({ DATABASE_URL: undefined, TRACER_ORG: undefined, TRACER_DATA_DIR: dataDir, ...extra });

/** A failure is one line on stderr, exit code 1, and no stack trace. */
function assertOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.trim().split('\n').length, 1, `expected one line, got:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

describe('tracer command', { concurrency: false }, () => {
  after(() => {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  it('has help for the program and for each subcommand', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['serve', 'migrate', 'demo', 'org', 'user']) assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
    assert.match(help.stdout, /DATABASE_URL/);
    const userHelp = await runCli(['user', 'create', '--help']);
    assert.equal(userHelp.code, 0);
    assert.match(userHelp.stdout, /--password-stdin/);
    assert.match(userHelp.stdout, /administrator/);
  });

  let sharedDataDir: string;

  it('creates an organisation and a user whose password comes from standard input', async () => {
    const dataDir = (sharedDataDir = freshDataDir());
    const created = await runCli(['org', 'create', 'ilo-itc', '--name', 'ITCILO'], { env: embedded(dataDir) });
    assert.equal(created.code, 0, created.stderr);
    const user = await runCli(['user', 'create', 'Eva@Example.org', '--role', 'evaluator', '--password-stdin'], {
      env: embedded(dataDir),
      input: 'a long enough password\n',
    });
    assert.equal(user.code, 0, user.stderr);
    assert.match(user.stdout, /evaluator of ilo-itc \(password set\)/);

    const duplicate = await runCli(['org', 'create', 'ilo-itc', '--name', 'Again'], { env: embedded(dataDir) });
    assertOneLineError(duplicate, /already exists/);

    await runCli(['org', 'create', 'second', '--name', 'Second'], { env: embedded(dataDir) });
    const ambiguous = await runCli(['user', 'create', 'x@example.org', '--role', 'viewer'], { env: embedded(dataDir) });
    assertOneLineError(ambiguous, /choose one with --org or TRACER_ORG/);
    const chosen = await runCli(['user', 'create', 'x@example.org', '--role', 'viewer'], { env: embedded(dataDir, { TRACER_ORG: 'second' }) });
    assert.equal(chosen.code, 0, chosen.stderr);

    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const result = await signIn(database.system, 'eva@example.org', 'a long enough password');
      assert.ok(result.ok);
      assert.equal(result.actor.role, 'evaluator');
    } finally {
      await database.close();
    }
  });

  it('refuses a short password and an unknown role with one clear line', async () => {
    const dataDir = sharedDataDir;
    const short = await runCli(['user', 'create', 'a@b.org', '--role', 'viewer', '--password-stdin', '--org', 'ilo-itc'], {
      env: embedded(dataDir),
      input: 'short\n',
    });
    assertOneLineError(short, /at least 10 characters/);
    const role = await runCli(['user', 'create', 'a@b.org', '--role', 'king'], { env: embedded(dataDir) });
    assert.notEqual(role.code, 0);
    assert.match(role.stderr, /Allowed choices are administrator, evaluator, viewer, trainer/);
  });

  it('says clearly when the embedded database is held by another process', async () => {
    const dataDir = sharedDataDir;
    const holder = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const result = await runCli(['org', 'list'], { env: embedded(dataDir) });
      assertOneLineError(result, /in use by another Tracer process/);
    } finally {
      await holder.close();
    }
    const afterRelease = await runCli(['org', 'list'], { env: embedded(dataDir) });
    assert.equal(afterRelease.code, 0, afterRelease.stderr);
  });

  it('explains bad configuration in one line', async () => {
    assertOneLineError(
      await runCli(['migrate'], { env: { DATABASE_URL: 'postgres://tracer@127.0.0.1:1/nothing' } }),
      /Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/nothing: connection refused/,
    );
    assertOneLineError(await runCli(['migrate'], { env: { DATABASE_URL: 'mysql://localhost/db' } }), /must start with postgres:\/\//);
    assertOneLineError(await runCli(['serve'], { env: { PORT: 'eighty', DATABASE_URL: undefined } }), /PORT must be a whole number/);
    assertOneLineError(
      await runCli(['migrate'], { env: embedded('/etc/hostname/tracer-data') }),
      /Cannot create the data folder \/etc\/hostname\/tracer-data \(ENOTDIR\)/,
    );
  });

  it('serves, and on SIGTERM closes cleanly and releases the embedded database', async () => {
    const { spawn } = await import('node:child_process');
    const bin = new URL('../../bin/tracer.js', import.meta.url).pathname;
    const env: Record<string, string | undefined> = { ...process.env, NODE_TEST_CONTEXT: undefined, ...embedded(sharedDataDir, { PORT: '0' }) };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [bin, 'serve'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 60_000);
      child.stdout.on('data', () => {
        const match = /running at (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const database = await openDatabase({ kind: 'pglite', dataDir: sharedDataDir });
    await database.close();
  });

  it('says when the port is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCli(['serve'], { env: embedded(sharedDataDir, { PORT: String(port) }) });
      assertOneLineError(result, new RegExp(`Port ${port} is already in use`));
    } finally {
      blocker.close();
    }
  });
});
