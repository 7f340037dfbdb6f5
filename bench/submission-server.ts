// Shared set-up of the submission benchmarks (submissions.bench.ts, load.bench.ts): the server runs
// in its own process (submission-server-process.ts: a throw-away PostgreSQL database, a published
// end-of-activity survey with a collection link), so the load generator in this process does not
// share its event loop or steal its measurements. Autocannon requests each come from their own
// address (X-Forwarded-For), so that the per-address rate limit stays on and is paid for without
// turning the run into a measure of 429 answers.
import type autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const benchDatabaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/** What the server process tells this one. */
export type ServerMessage = { url: string; token: string } | { stored: number } | { analyzed: true } | CpuUsage;
/** What this process asks the server process. */
export type ParentMessage = 'count' | 'usage' | 'analyze' | 'close';

/** CPU time used so far, in milliseconds; `databaseCpuMs` is null when it cannot be read (a remote server). */
export interface CpuUsage {
  serverCpuMs: number;
  databaseCpuMs: number | null;
}

export interface SubmissionBench {
  url: string;
  /** The collection link's token: respondents post to `/r/${token}/submissions`. */
  token: string;
  /** One autocannon request: a new final submission with a fresh id, from a new address. */
  requests: autocannon.Request[];
  /** Responses stored in the database. */
  storedResponses(): Promise<number>;
  /** CPU time used so far by the server process and its database connections. */
  cpuUsage(): Promise<CpuUsage>;
  /**
   * Gathers planner statistics of the benchmark database (ANALYZE), as autovacuum does in
   * production once a table has changed by 50 rows and 10 %. Without it a fresh database keeps the
   * plans made while its tables were empty (see submissions.bench.ts).
   */
  analyze(): Promise<void>;
  close(): Promise<void>;
}

const answers = { eoa_relevance: 'agree', eoa_theory_practice: 'neutral', eoa_can_apply: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 4, eoa_comments: 'Useful.' };

export async function startSubmissionBench(): Promise<SubmissionBench> {
  const server = startServerProcess();
  const { url, token } = await nextMessage<{ url: string; token: string }>(server);
  let respondent = 0;
  const nextAddress = () => {
    respondent++;
    return `10.${(respondent >> 16) & 255}.${(respondent >> 8) & 255}.${respondent & 255}`;
  };
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      setupRequest: (request) => ({
        ...request,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddress() },
        body: JSON.stringify({ clientSubmissionId: randomUUID(), answers, final: true }),
      }),
    },
  ];
  const ask = <T extends ServerMessage>(question: ParentMessage) => {
    const reply = nextMessage<T>(server);
    server.send(question);
    return reply;
  };
  const storedResponses = async () => (await ask<{ stored: number }>('count')).stored;
  const cpuUsage = () => ask<CpuUsage>('usage');
  const analyze = async () => {
    await ask<{ analyzed: true }>('analyze');
  };
  const close = async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.send('close' satisfies ParentMessage);
    await exited;
  };
  return { url, token, requests, storedResponses, cpuUsage, analyze, close };
}

function startServerProcess(): ChildProcess {
  const profileDir = process.env.BENCH_SERVER_PROFILE_DIR;
  return fork(fileURLToPath(new URL('./submission-server-process.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The server's next message; rejects if it exits first (its error is on stderr). */
function nextMessage<T extends ServerMessage>(server: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`The benchmark server exited (code ${code}) before answering`));
    server.once('exit', onExit);
    server.once('message', (message) => {
      server.off('exit', onExit);
      resolve(message as T);
    });
  });
}
