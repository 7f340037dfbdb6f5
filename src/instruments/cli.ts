// `tracer instrument import FORM.xlsx` and `tracer instrument export KEY --out FILE`.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { resolveOrganisation, type Actor } from '../accounts/service.ts';
import { UsageError, withDatabase } from '../cli/main.ts';
import { Problem } from '../http/problem.ts';
import * as service from './service.ts';

/** Administrator CLI actions have no signed-in user. */
const cliActor = (orgId: string): Actor => ({ userId: '00000000-0000-0000-0000-000000000000', orgId, role: 'administrator', displayName: 'tracer CLI', email: 'cli@localhost' });

export function registerInstrumentCommands(program: Command): void {
  const instrument = program.command('instrument').description('Import and export instruments (XLSForm)');
  instrument
    .command('import')
    .description('Create an instrument from an XLSForm (.xlsx or .xls); --publish makes it version 1')
    .argument('<file>', 'the XLSForm')
    .option('--key <key>', 'instrument key (default: settings form_id, else the file name)')
    .option('--publish', 'publish the imported draft as a version')
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((file: string, options: { key?: string; publish?: boolean; org?: string }) =>
      withDatabase(async (database, config) => {
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        let content: Buffer;
        try {
          content = readFileSync(file);
        } catch (error) {
          throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
        }
        const outcome = await database
          .withOrg(org.id, async (tx) => {
            const { instrument: created, notes } = await service.importInstrument(tx, cliActor(org.id), content, basename(file), { key: options.key });
            const version = options.publish ? await service.publish(tx, created.id) : undefined;
            return { created, notes, version };
          })
          .catch(rethrowAsUsage);
        for (const note of outcome.notes) process.stdout.write(`note: ${note}\n`);
        process.stdout.write(`Imported ${outcome.created.key}${outcome.version ? ` as version ${outcome.version.version}` : ' (draft)'}.\n`);
      }),
    );
  instrument
    .command('export')
    .description('Write an instrument as an XLSForm (.xlsx)')
    .argument('<key>', 'instrument key')
    .requiredOption('--out <file>', 'where to write the .xlsx')
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action((key: string, options: { out: string; org?: string }) =>
      withDatabase(async (database, config) => {
        const org = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
        const { file } = await database
          .withOrg(org.id, async (tx) => service.exportInstrument(tx, (await service.getInstrumentByKey(tx, key)).id))
          .catch(rethrowAsUsage);
        writeFileSync(options.out, file);
        process.stdout.write(`Wrote ${options.out}.\n`);
      }),
    );
}

function rethrowAsUsage(error: unknown): never {
  if (error instanceof Problem) throw new UsageError(error.errors?.map((e) => e.message).join('\n  ') ?? error.detail);
  throw error;
}
