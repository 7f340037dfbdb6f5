// Instrument rules: keys are unique per organisation, only a valid draft can be published, a
// published version never changes, collection links point at a published version.
import { randomBytes } from 'node:crypto';
import type { Actor } from '../accounts/service.ts';
import type { Db, Tx } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { standardInstruments } from './bank.ts';
import { definitionIssues, definitionProblems, type DefinitionIssue } from './definition.ts';
import type { InstrumentDefinition, LocalText, Purpose } from './model.ts';
import { findActivity } from '../catalogue/service.ts';
import * as repo from './repository.ts';
import { exportXlsForm, importXlsForm } from './xlsform.ts';

export type { InstrumentRow, VersionRow, CollectionLinkRow } from './repository.ts';

export interface NewInstrument {
  key: string;
  purpose: Purpose;
  title?: LocalText;
  anonymous?: boolean;
  definition: InstrumentDefinition;
}

export function assertPublishable(definition: InstrumentDefinition): void {
  const problems = definitionProblems(definition);
  if (problems.length > 0) {
    throw new Problem(422, `The instrument cannot be used: ${problems.join('; ')}`, problems.map((message) => ({ field: 'body/definition', message })));
  }
}

export async function createInstrument(tx: Tx, _actor: Actor, input: NewInstrument): Promise<repo.InstrumentRow> {
  assertPublishable(input.definition);
  const row = await repo.insertInstrument(tx, {
    key: input.key,
    purpose: input.purpose,
    title: input.title ?? input.definition.title,
    anonymous: input.anonymous ?? false,
    draft: input.definition,
  });
  if (!row) throw Problem.conflict(`An instrument with the key "${input.key}" exists already`, 'body/key');
  return row;
}

/** Creates an instrument from the standard bank (end_of_activity, follow_up). */
export async function createStandardInstrument(tx: Tx, actor: Actor, standardKey: string, key = standardKey): Promise<repo.InstrumentRow> {
  const standard = standardInstruments[standardKey];
  if (!standard) throw Problem.notFound(`No standard instrument "${standardKey}"`);
  return createInstrument(tx, actor, { key, purpose: standard.purpose, definition: standard.definition, anonymous: standardKey === 'end_of_activity' });
}

export async function getInstrument(tx: Tx, id: string): Promise<repo.InstrumentRow> {
  const row = await repo.findInstrument(tx, id);
  if (!row) throw Problem.notFound('No such instrument');
  return row;
}

export async function getInstrumentByKey(tx: Tx, key: string): Promise<repo.InstrumentRow> {
  const row = await repo.findInstrumentByKey(tx, key);
  if (!row) throw Problem.notFound(`No instrument with the key "${key}"`);
  return row;
}

export const listInstruments = (tx: Tx) => repo.listInstruments(tx);
export const listVersions = (tx: Tx, instrumentId: string) => repo.listVersions(tx, instrumentId);
export const listCollectionLinks = (tx: Tx, instrumentId: string) => repo.listCollectionLinks(tx, instrumentId);

export async function saveDraft(tx: Tx, id: string, definition: InstrumentDefinition): Promise<void> {
  await getInstrument(tx, id);
  assertPublishable(definition);
  await repo.updateDraft(tx, id, definition);
}

/** Freezes the draft as the next version. */
export async function publish(tx: Tx, id: string): Promise<repo.VersionRow> {
  const instrument = await getInstrument(tx, id);
  if (!instrument.draft) throw Problem.conflict('Nothing to publish: the draft is the same as the latest version');
  assertPublishable(instrument.draft);
  const version = await repo.insertVersion(tx, id, instrument.draft);
  await repo.updateDraft(tx, id, null);
  return version;
}

/** The draft to edit: the saved draft, else a copy of the latest version. */
export async function editableDefinition(tx: Tx, id: string): Promise<InstrumentDefinition> {
  const instrument = await getInstrument(tx, id);
  if (instrument.draft) return instrument.draft;
  const latest = await repo.latestVersion(tx, id);
  if (!latest) throw Problem.notFound('The instrument has neither a draft nor a version');
  return latest.definition;
}

export async function getVersion(tx: Tx, versionId: string): Promise<repo.VersionRow> {
  const version = await repo.findVersion(tx, versionId);
  if (!version) throw Problem.notFound('No such instrument version');
  return version;
}

export async function latestVersion(tx: Tx, instrumentId: string): Promise<repo.VersionRow> {
  const version = await repo.latestVersion(tx, instrumentId);
  if (!version) throw Problem.conflict('The instrument has no published version yet');
  return version;
}

/** A respondent link for a version (the latest when not given) and an optional activity. */
export async function createCollectionLink(
  tx: Tx,
  instrumentId: string,
  options: { versionId?: string; activityId?: string | null } = {},
): Promise<repo.CollectionLinkRow> {
  const version = options.versionId ? await getVersion(tx, options.versionId) : await latestVersion(tx, instrumentId);
  if (version.instrumentId !== instrumentId) throw Problem.badRequest('The version belongs to another instrument', 'body/versionId');
  if (options.activityId && !(await findActivity(tx, options.activityId))) throw Problem.badRequest('No such activity', 'body/activityId');
  return repo.insertCollectionLink(tx, { token: randomBytes(32).toString('base64url'), instrumentVersionId: version.id, activityId: options.activityId ?? null });
}

export const organisationOfLink = (system: Db, token: string) => repo.organisationOfLink(system, token);

export async function getCollectionLink(tx: Tx, id: string): Promise<repo.CollectionLinkRow> {
  const link = await repo.findCollectionLink(tx, id);
  if (!link) throw Problem.notFound('No such link');
  return link;
}

/** Creates an instrument (draft) from an XLSForm; 422 listing every problem (sheet, row, column) if it cannot. */
export async function importInstrument(
  tx: Tx,
  actor: Actor,
  file: Buffer,
  fileName: string,
  options: { key?: string; purpose?: Purpose } = {},
): Promise<{ instrument: repo.InstrumentRow; notes: string[] }> {
  const result = importXlsForm(file, fileName);
  if (!result.ok) {
    throw new Problem(422, `The form cannot be imported: ${result.problems.join('; ')}`, result.problems.map((message) => ({ field: 'body', message })));
  }
  const instrument = await createInstrument(tx, actor, { key: options.key ?? result.key, purpose: options.purpose ?? result.purpose, definition: result.definition });
  return { instrument, notes: result.notes };
}

/** The XLSForm of a version (default: the latest, else the draft). */
export async function exportInstrument(tx: Tx, instrumentId: string, versionId?: string): Promise<{ fileName: string; file: Buffer }> {
  const instrument = await getInstrument(tx, instrumentId);
  const definition = versionId ? (await getVersion(tx, versionId)).definition : ((await repo.latestVersion(tx, instrumentId))?.definition ?? instrument.draft);
  if (!definition) throw Problem.notFound('Nothing to export');
  return { fileName: `${instrument.key}.xlsx`, file: exportXlsForm(instrument.key, instrument.purpose, definition) };
}

export type DraftEdit = { ok: true; definition: InstrumentDefinition } | { ok: false; definition: InstrumentDefinition; issues: DefinitionIssue[] };

/**
 * Applies `edit` to the editable definition (the draft, else a copy of the latest version, which
 * thereby starts the next version) and saves it when it is still valid; otherwise nothing is
 * written and the issues come back located by page, question and field for the form to show.
 */
export async function editDraft(tx: Tx, id: string, edit: (definition: InstrumentDefinition) => InstrumentDefinition): Promise<DraftEdit> {
  const definition = edit(await editableDefinition(tx, id));
  const issues = definitionIssues(definition);
  if (issues.length > 0) return { ok: false, definition, issues };
  await repo.updateDraft(tx, id, definition);
  return { ok: true, definition };
}

/** Throws away the unpublished draft (the latest version stays as it is). */
export async function discardDraft(tx: Tx, id: string): Promise<void> {
  await getInstrument(tx, id);
  if (!(await repo.latestVersion(tx, id))) throw Problem.conflict('The instrument has no published version: its draft is all there is');
  await repo.updateDraft(tx, id, null);
}

/** The XLSForm of the draft being edited (the draft, else a copy of the latest version). */
export async function exportDraft(tx: Tx, instrumentId: string): Promise<{ fileName: string; file: Buffer }> {
  const instrument = await getInstrument(tx, instrumentId);
  const definition = await editableDefinition(tx, instrumentId);
  return { fileName: `${instrument.key}-draft.xlsx`, file: exportXlsForm(instrument.key, instrument.purpose, definition) };
}
