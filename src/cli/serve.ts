import { ConfigError, type Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_PASSWORD, isEmpty, loadDemo } from '../demo/load.ts';
import { buildServer } from '../http/server.ts';
import { describeMailTransport } from '../messaging/transport.ts';
import { startConfiguredMailWorker } from '../messaging/worker.ts';
import { startRetentionPurge } from '../privacy/worker.ts';
import { startWaveScheduler } from '../waves/scheduler.ts';

/** Runs the server until SIGTERM/SIGINT, then closes the HTTP server and the database cleanly. */
export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  const database = await openDatabase(config.database);
  try {
    await migrate(database);
    if (options.demo && (await isEmpty(database))) {
      process.stdout.write('Empty database: loading the demo organisation (5,000 participants and 11,000 survey responses; well under a minute)…\n');
      process.stdout.write(`${await loadDemo(database)}\n`);
    }
    const app = await buildServer({ database, config, logger: true });
    await listen(app, config);
    const mailWorker = startConfiguredMailWorker(database, config, app.log);
    const retentionPurge = startRetentionPurge(database, app.log);
    const waveScheduler = startWaveScheduler(database, config, app.log);
    const url = `http://localhost:${(app.server.address() as { port: number }).port}`;
    process.stdout.write(`\nTracer is running at ${url} (database: ${database.kind})\n`);
    process.stdout.write(`E-mail: ${describeMailTransport(config.mail.transport)}\n`);
    if (options.demo) process.stdout.write(`Demo sign-in: admin@demo.tracer / ${DEMO_PASSWORD}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    process.stdout.write('Stopping…\n');
    await waveScheduler.stop();
    await mailWorker.stop();
    await retentionPurge.stop();
    await app.close();
  } finally {
    await database.close();
  }
}

async function listen(app: Awaited<ReturnType<typeof buildServer>>, config: Config): Promise<void> {
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`Port ${config.port} is already in use: stop what uses it or set PORT to a free port`);
    if (code === 'EACCES') throw new ConfigError(`Not allowed to listen on port ${config.port}: set PORT to a port above 1024`);
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(`HOST ${config.host} is not an address of this machine`);
    throw error;
  }
}
