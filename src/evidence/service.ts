// The rules of qualitative evidence and trainer ratings: who may code, which codes exist, the
// anonymous respondent id of a quote, statistics of ratings from SQL aggregates, confinement of
// a trainer to their own ratings, and audit-logged exports.
import { createHmac } from 'node:crypto';
import { audit, type Actor } from '../accounts/service.ts';
import { DEFAULT_MIN_CELL_SIZE, meanCell, suppressionPolicy } from '../analytics/statistics.ts';
import type { Db, Tx } from '../db/database.ts';
import { instanceSecret } from '../db/instance-settings.ts';
import { Problem, type FieldIssue } from '../http/problem.ts';
import { tableFile, type TableFile, type TableFormat } from '../imports/table.ts';
import type { Lang } from '../web/i18n/index.ts';
import { standardCodes, type CodebookEntry } from './codebook.ts';
import * as repo from './repository.ts';

export type { TextFilter, RatingFilter } from './repository.ts';
export { UNCODED } from './repository.ts';

export interface EvidenceKeys {
  /** Key of the HMAC that turns a response id into an anonymous respondent id. */
  respondent: Buffer;
}

export async function loadEvidenceKeys(db: Db): Promise<EvidenceKeys> {
  return { respondent: Buffer.from(await instanceSecret(db, 'evidence_respondent_hmac_key'), 'base64url') };
}

/**
 * The anonymous respondent id shown with a text: a keyed hash of the organisation and the
 * response id. Stable (the same text always shows the same id), never the participant's id or
 * code, and not linkable across responses or computable without the installation's secret.
 */
export function respondentId(keys: EvidenceKeys, orgId: string, responseId: string): string {
  const digest = createHmac('sha256', keys.respondent).update(`${orgId}\n${responseId}`).digest('hex');
  return `R-${digest.slice(0, 10).toUpperCase()}`;
}

/** A 400 problem naming each offending field. */
function invalid(issues: FieldIssue[]): Problem {
  return new Problem(400, issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), issues);
}

export const mayCode = (actor: Actor) => actor.role === 'administrator' || actor.role === 'evaluator';

// ---------------------------------------------------------------- codebook

export async function codebook(tx: Tx): Promise<CodebookEntry[]> {
  const own = await repo.orgCodes(tx);
  return [
    ...standardCodes,
    ...own.map((row) => ({ code: row.code, standard: false, labels: { en: row.labelEn, fr: row.labelFr, es: row.labelEs } })),
  ];
}

export const CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

export interface NewCode {
  code: string;
  labels: Record<Lang, string>;
}

export async function addCode(tx: Tx, actor: Actor, input: NewCode): Promise<CodebookEntry> {
  const code = input.code.trim();
  const issues: FieldIssue[] = [];
  if (!CODE_PATTERN.test(code) || code === repo.UNCODED) {
    issues.push({ field: 'code', message: 'expected 2–40 lower-case letters, digits or underscores, starting with a letter (not "uncoded")' });
  }
  for (const lang of ['en', 'fr', 'es'] as const) {
    const label = input.labels[lang]?.trim() ?? '';
    if (label === '' || label.length > 200) issues.push({ field: `labels.${lang}`, message: 'expected a label of 1–200 characters' });
  }
  if (issues.length > 0) throw invalid(issues);
  if (standardCodes.some((entry) => entry.code === code)) throw Problem.conflict(`"${code}" is a standard code already`, 'code');
  const labels = { en: input.labels.en.trim(), fr: input.labels.fr.trim(), es: input.labels.es.trim() };
  const added = await repo.insertOrgCode(tx, { code, labelEn: labels.en, labelFr: labels.fr, labelEs: labels.es, createdBy: actor.userId });
  if (!added) throw Problem.conflict(`The code "${code}" exists already`, 'code');
  await audit(tx, actor, 'evidence.code_added', `evidence_code:${code}`, {});
  return { code, standard: false, labels };
}

export async function removeCode(tx: Tx, actor: Actor, code: string): Promise<void> {
  if (standardCodes.some((entry) => entry.code === code)) throw Problem.conflict('A standard code cannot be removed', 'code');
  const outcome = await repo.deleteOrgCode(tx, code);
  if (outcome === 'not_found') throw Problem.notFound(`No code "${code}"`);
  if (outcome === 'in_use') throw Problem.conflict(`Texts carry the code "${code}": remove it from them first`, 'code');
  await audit(tx, actor, 'evidence.code_removed', `evidence_code:${code}`, {});
}

// ---------------------------------------------------------------- texts

export interface EvidenceText extends Omit<repo.TextRow, 'responseId' | 'gender' | 'region' | 'constituentGroup'> {
  /** `responseId:position`, what coding addresses. */
  id: string;
  respondent: string;
  gender: string | null;
  region: string | null;
  constituentGroup: string | null;
}

function present(keys: EvidenceKeys, actor: Actor, row: repo.TextRow): EvidenceText {
  const { responseId, ...rest } = row;
  return { ...rest, id: `${responseId}:${row.position}`, respondent: respondentId(keys, actor.orgId, responseId) };
}

export function parseTextId(id: string): { responseId: string; position: number } {
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d{1,6})$/i.exec(id);
  if (!match) throw invalid([{ field: 'id', message: 'expected RESPONSE_ID:POSITION' }]);
  return { responseId: match[1]!.toLowerCase(), position: Number(match[2]) };
}

export const PAGE_SIZE = 25;

export async function searchTexts(
  tx: Tx,
  actor: Actor,
  keys: EvidenceKeys,
  filter: repo.TextFilter,
  page = 1,
  pageSize = PAGE_SIZE,
): Promise<{ total: number; page: number; pageSize: number; texts: EvidenceText[] }> {
  const safePage = Math.max(1, page);
  const found = await repo.findTexts(tx, filter, pageSize, (safePage - 1) * pageSize);
  return { total: found.total, page: safePage, pageSize, texts: found.texts.map((row) => present(keys, actor, row)) };
}

export async function getText(tx: Tx, actor: Actor, keys: EvidenceKeys, id: string): Promise<EvidenceText> {
  const address = parseTextId(id);
  const found = await repo.findText(tx, address.responseId, address.position);
  if (!found) throw Problem.notFound('No evidence text with this id');
  return present(keys, actor, found);
}

/** Sets the codes of a text (several allowed; an empty list removes them all) and whether it is a selected quote. */
export async function codeText(
  tx: Tx,
  actor: Actor,
  keys: EvidenceKeys,
  id: string,
  change: { codes: string[]; quote?: boolean },
): Promise<EvidenceText> {
  if (!mayCode(actor)) throw Problem.forbidden('Only administrators and evaluators code texts');
  const address = parseTextId(id);
  const known = new Set((await codebook(tx)).map((entry) => entry.code));
  const codes = [...new Set(change.codes.map((code) => code.trim()).filter((code) => code !== ''))];
  const unknown = codes.filter((code) => !known.has(code));
  if (unknown.length > 0) throw invalid([{ field: 'codes', message: `not in the codebook: ${unknown.join(', ')}` }]);
  if (!(await repo.findText(tx, address.responseId, address.position))) throw Problem.notFound('No evidence text with this id');
  await repo.replaceCodings(tx, address, codes, actor.userId);
  if (change.quote !== undefined) await repo.setQuote(tx, address, change.quote, actor.userId);
  return getText(tx, actor, keys, id);
}

/** A selected quote as a report shows it: the words, their codes and context, an anonymous respondent id; nobody's name. */
export interface ReportQuote {
  respondent: string;
  text: string;
  year: number | null;
  activityCode: string | null;
  programme: string | null;
  codes: string[];
}

/** The selected quotes among the texts matching `filter`, latest activity first, for the evaluation report. */
export async function reportQuotes(tx: Tx, orgId: string, keys: EvidenceKeys, filter: repo.TextFilter, limit: number): Promise<ReportQuote[]> {
  const found = await repo.findTexts(tx, { ...filter, quotesOnly: true }, limit, 0);
  return found.texts.map((row) => ({
    respondent: respondentId(keys, orgId, row.responseId),
    text: row.text,
    year: row.year,
    activityCode: row.activityCode,
    programme: row.programme,
    codes: row.codes.map((c) => c.code),
  }));
}

// ---------------------------------------------------------------- counts per code per year

export interface CodeCounts {
  years: Array<number | null>;
  /** Matching texts per year, coded or not. */
  totals: Array<{ year: number | null; texts: number }>;
  /** One row per code of the codebook (zeros included), texts per year. */
  codes: Array<{ code: string; labels: Record<Lang, string>; counts: Array<{ year: number | null; texts: number }>; total: number }>;
}

export async function codeCounts(tx: Tx, filter: repo.TextFilter): Promise<CodeCounts> {
  const [found, entries] = await Promise.all([repo.countCodesByYear(tx, filter), codebook(tx)]);
  const totals = found.filter((row) => row.code === '*').map(({ year, texts }) => ({ year, texts }));
  const years = totals.map((row) => row.year);
  return {
    years,
    totals,
    codes: entries.map((entry) => {
      const counts = years.map((year) => ({ year, texts: found.find((row) => row.code === entry.code && row.year === year)?.texts ?? 0 }));
      return { code: entry.code, labels: entry.labels, counts, total: counts.reduce((sum, cell) => sum + cell.texts, 0) };
    }),
  };
}

export async function filterOptions(tx: Tx) {
  return repo.filterOptions(tx);
}

// ---------------------------------------------------------------- exports of texts and counts

export type ExportFile = TableFile;
const file = tableFile;

const cellOf = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/** Coded texts with the anonymous respondent id (never a participant id or name), audit-logged. */
export async function exportTexts(tx: Tx, actor: Actor, keys: EvidenceKeys, filter: repo.TextFilter, format: TableFormat): Promise<ExportFile> {
  const texts = (await repo.allTexts(tx, filter)).map((row) => present(keys, actor, row));
  const header = ['id', 'respondent', 'year', 'programme', 'activity_code', 'activity_title', 'modality', 'instrument', 'question', 'gender', 'region', 'constituent_group', 'text', 'codes', 'quote', 'coded_by', 'coded_at'];
  const rows = texts.map((text) => [
    text.id,
    text.respondent,
    cellOf(text.year),
    cellOf(text.programme),
    cellOf(text.activityCode),
    cellOf(text.activityTitle),
    cellOf(text.modality),
    text.instrumentKey,
    text.questionKey,
    cellOf(text.gender),
    cellOf(text.region),
    cellOf(text.constituentGroup),
    text.text,
    text.codes.map((c) => c.code).join(';'),
    text.quote ? 'yes' : 'no',
    [...new Set(text.codes.map((c) => c.codedBy ?? ''))].filter((name) => name !== '').join(';'),
    text.codes.map((c) => c.codedAt).sort().at(-1) ?? '',
  ]);
  await audit(tx, actor, 'evidence.texts_exported', null, { format, rows: rows.length, filter });
  return file(format, 'evidence-texts', header, rows, 'texts');
}

export async function exportCounts(tx: Tx, filter: repo.TextFilter, format: TableFormat, lang: Lang): Promise<ExportFile> {
  const counts = await codeCounts(tx, filter);
  const header = ['code', 'label', ...counts.years.map((year) => cellOf(year ?? 'no_year')), 'total'];
  const rows = counts.codes.map((entry) => [entry.code, entry.labels[lang], ...entry.counts.map((cell) => String(cell.texts)), String(entry.total)]);
  rows.push(['*', 'texts', ...counts.totals.map((cell) => String(cell.texts)), String(counts.totals.reduce((sum, cell) => sum + cell.texts, 0))]);
  return file(format, 'evidence-code-counts', header, rows, 'counts');
}

// ---------------------------------------------------------------- trainer ratings

/**
 * Whose ratings `actor` may read. Administrators and evaluators: everyone's. A trainer: only the
 * resource person an administrator linked to their account (none until linked). Anyone else: no access.
 */
export async function ratingScope(tx: Tx, actor: Actor): Promise<repo.RatingScope> {
  if (actor.role === 'administrator' || actor.role === 'evaluator') return { kind: 'all' };
  if (actor.role === 'trainer') {
    const participantId = await repo.linkedResourcePerson(tx, actor.userId);
    return participantId ? { kind: 'resource_person', participantId } : { kind: 'none' };
  }
  throw Problem.forbidden('Trainer ratings are confidential: administrators, evaluators and the trainer concerned only');
}

export interface RatingCell {
  grouping: 'activity' | 'year';
  resourcePersonId: string;
  resourcePersonCode: string;
  activityId: string | null;
  activityCode: string | null;
  activityTitle: string | null;
  year: number | null;
  n: number;
  missing: number;
  suppressed: boolean;
  mean: number | null;
  sd: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface TrainerRatings {
  scope: repo.RatingScope['kind'];
  minCellSize: number;
  cells: RatingCell[];
}

export async function trainerRatings(tx: Tx, actor: Actor, filter: repo.RatingFilter, minCellSize?: number): Promise<TrainerRatings> {
  const scope = await ratingScope(tx, actor);
  const aggregates = await repo.ratingAggregates(tx, scope, filter);
  // The threshold can be raised, never lowered below the default: small cells could identify raters.
  const policy = suppressionPolicy(Math.max(DEFAULT_MIN_CELL_SIZE, minCellSize ?? DEFAULT_MIN_CELL_SIZE));
  return {
    scope: scope.kind,
    minCellSize: policy.minCellSize,
    cells: aggregates.map(({ sum: _sum, sumOfSquares: _squares, ...row }) => {
      const computed = meanCell({ n: row.n, sum: _sum, sumOfSquares: _squares, missing: row.missing }, policy);
      return computed.kind === 'suppressed'
        ? { ...row, suppressed: true, mean: null, sd: null, ciLow: null, ciHigh: null }
        : { ...row, suppressed: false, mean: computed.value, sd: computed.sd, ciLow: computed.interval.low, ciHigh: computed.interval.high };
    }),
  };
}

const round = (value: number | null) => (value === null ? '' : value.toFixed(3));

/** Ratings to CSV/XLSX, always audit-logged (who, which format, whose ratings, how many rows). */
export async function exportRatings(tx: Tx, actor: Actor, filter: repo.RatingFilter, format: TableFormat, minCellSize?: number): Promise<ExportFile> {
  const ratings = await trainerRatings(tx, actor, filter, minCellSize);
  const header = ['resource_person', 'grouping', 'year', 'activity_code', 'activity_title', 'n', 'missing', 'suppressed', 'mean', 'sd', 'ci95_low', 'ci95_high'];
  const rows = ratings.cells.map((c) => [
    c.resourcePersonCode,
    c.grouping,
    cellOf(c.year),
    cellOf(c.activityCode),
    cellOf(c.activityTitle),
    String(c.n),
    String(c.missing),
    c.suppressed ? 'yes' : 'no',
    round(c.mean),
    round(c.sd),
    round(c.ciLow),
    round(c.ciHigh),
  ]);
  await audit(tx, actor, 'trainer_ratings.exported', null, {
    format,
    scope: ratings.scope,
    rows: rows.length,
    resourcePersons: [...new Set(ratings.cells.map((c) => c.resourcePersonId))],
    filter,
  });
  return file(format, 'trainer-ratings', header, rows, 'ratings');
}

// ---------------------------------------------------------------- trainer links

export async function trainerLinks(tx: Tx) {
  return repo.trainerLinkRows(tx);
}

export async function resourcePersons(tx: Tx) {
  return repo.resourcePersons(tx);
}

export async function linkTrainer(tx: Tx, actor: Actor, userId: string, participantId: string): Promise<void> {
  if (actor.role !== 'administrator') throw Problem.forbidden('Only administrators link trainers to resource persons');
  if (!(await repo.isMemberWithRole(tx, userId, 'trainer'))) throw invalid([{ field: 'userId', message: 'not a member with the trainer role' }]);
  if (!(await repo.isResourcePerson(tx, participantId))) {
    throw invalid([{ field: 'participantId', message: 'not a resource person (no enrolment with role resource_person)' }]);
  }
  await repo.upsertTrainerLink(tx, userId, participantId, actor.userId);
  await audit(tx, actor, 'trainer_link.set', `user:${userId}`, { participantId });
}

export async function unlinkTrainer(tx: Tx, actor: Actor, userId: string): Promise<void> {
  if (actor.role !== 'administrator') throw Problem.forbidden('Only administrators link trainers to resource persons');
  if (!(await repo.deleteTrainerLink(tx, userId))) throw Problem.notFound('This user is not linked');
  await audit(tx, actor, 'trainer_link.removed', `user:${userId}`, {});
}
