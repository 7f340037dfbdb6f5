// Catalogue rules: what a valid activity or resource is, derived facts (M49 region of the venue),
// and upserts by natural key (activity code, resource title) so that re-imports update.
import type { Tx } from '../db/database.ts';
import { countryInfo } from '../people/reference/m49.ts';
import * as repository from './repository.ts';
import type { ActivityRow, ActivityValues, ResourceValues } from './repository.ts';
import {
  activityStatuses,
  crossCuttingMarkers,
  feeTypes,
  LANGUAGE_PATTERN,
  modalities,
  resourceTypes,
  type ActivityStatus,
  type CrossCuttingMarker,
  type FeeType,
  type Modality,
  type ResourceType,
} from './vocabulary.ts';

/** A rule broken by one field of one record. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class CatalogueError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
  }
}

export interface ActivityInput {
  code: string;
  title: string;
  description?: string;
  themes?: string[];
  modality: Modality;
  languages?: string[];
  startDate?: string | null;
  endDate?: string | null;
  country?: string | null;
  city?: string | null;
  feeType?: FeeType;
  isOpen?: boolean;
  targetGroups?: string[];
  programme?: string | null;
  markers?: CrossCuttingMarker[];
  status?: ActivityStatus;
  capacity?: number | null;
  cost?: number | null;
  replicationNotes?: string | null;
  contact?: string | null;
  published?: boolean;
}

export interface ResourceInput {
  title: string;
  description?: string;
  type: ResourceType;
  languages?: string[];
  licence?: string | null;
  url?: string | null;
  themes?: string[];
  openAccess?: boolean;
  published?: boolean;
  /** Codes of the activities this resource belongs to. */
  activityCodes?: string[];
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;

function isDate(value: string): boolean {
  return DATE_PATTERN.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, field: string, issues: FieldIssue[]): void {
  if (value !== undefined && !allowed.includes(value as T)) issues.push({ field, message: `expected one of ${allowed.join(', ')}, got "${value}"` });
}

function languagesValid(languages: string[] | undefined, issues: FieldIssue[]): void {
  const bad = (languages ?? []).filter((lang) => !LANGUAGE_PATTERN.test(lang));
  if (bad.length > 0) issues.push({ field: 'languages', message: `expected two-letter ISO 639-1 codes such as en;fr, got "${bad.join(';')}"` });
}

function themesValid(codes: string[] | undefined, knownThemes: Set<string>, issues: FieldIssue[]): void {
  const unknown = (codes ?? []).filter((code) => !knownThemes.has(code));
  if (unknown.length > 0) issues.push({ field: 'themes', message: `unknown theme "${unknown.join(';')}"; expected codes of the theme list such as ${[...knownThemes].slice(0, 3).join(', ')}` });
}

/** Every broken rule of an activity; empty when valid. */
export function checkActivity(input: ActivityInput, knownThemes: Set<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!CODE_PATTERN.test(input.code)) issues.push({ field: 'code', message: 'expected 1–64 letters, digits, dots, dashes, slashes or underscores' });
  if (input.title.trim() === '') issues.push({ field: 'title', message: 'expected a non-empty title' });
  oneOf(modalities, input.modality, 'modality', issues);
  oneOf(feeTypes, input.feeType, 'fee_type', issues);
  oneOf(activityStatuses, input.status, 'status', issues);
  for (const marker of input.markers ?? []) oneOf(crossCuttingMarkers, marker, 'markers', issues);
  languagesValid(input.languages, issues);
  themesValid(input.themes, knownThemes, issues);
  for (const [field, value] of [['start_date', input.startDate], ['end_date', input.endDate]] as const) {
    if (value != null && !isDate(value)) issues.push({ field, message: `expected a date as YYYY-MM-DD, got "${value}"` });
  }
  if (input.startDate && input.endDate && isDate(input.startDate) && isDate(input.endDate) && input.endDate < input.startDate) {
    issues.push({ field: 'end_date', message: `expected a date on or after start_date ${input.startDate}` });
  }
  if (input.country != null && !countryInfo(input.country)) issues.push({ field: 'country', message: `expected an ISO 3166-1 alpha-2 country code, got "${input.country}"` });
  if (input.capacity != null && (!Number.isInteger(input.capacity) || input.capacity < 0)) issues.push({ field: 'capacity', message: 'expected a whole number ≥ 0' });
  if (input.cost != null && !(input.cost >= 0)) issues.push({ field: 'cost', message: 'expected an amount ≥ 0' });
  return issues;
}

export function checkResource(input: ResourceInput, knownThemes: Set<string>, knownActivityCodes: Set<string>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (input.title.trim() === '') issues.push({ field: 'title', message: 'expected a non-empty title' });
  oneOf(resourceTypes, input.type, 'type', issues);
  languagesValid(input.languages, issues);
  themesValid(input.themes, knownThemes, issues);
  if (input.url != null && !/^https?:\/\/\S+$/.test(input.url)) issues.push({ field: 'url', message: `expected an http(s) address, got "${input.url}"` });
  const missing = (input.activityCodes ?? []).filter((code) => !knownActivityCodes.has(code));
  if (missing.length > 0) issues.push({ field: 'activities', message: `no activity with code "${missing.join(';')}"` });
  return issues;
}

export function toActivityValues(input: ActivityInput): ActivityValues {
  const country = input.country ? input.country.toUpperCase() : null;
  const info = country ? countryInfo(country) : undefined;
  return {
    code: input.code,
    title: input.title.trim(),
    description: input.description ?? '',
    themes: input.themes ?? [],
    modality: input.modality,
    languages: input.languages ?? [],
    startDate: input.startDate ?? null,
    endDate: input.endDate ?? null,
    country,
    city: input.city ?? null,
    region: info?.region ?? null,
    subRegion: info?.subRegion ?? null,
    feeType: input.feeType ?? 'free',
    isOpen: input.isOpen ?? true,
    targetGroups: input.targetGroups ?? [],
    programme: input.programme ?? null,
    markers: input.markers ?? [],
    status: input.status ?? 'planned',
    capacity: input.capacity ?? null,
    cost: input.cost == null ? null : String(input.cost),
    replicationNotes: input.replicationNotes ?? null,
    contact: input.contact ?? null,
    published: input.published ?? false,
  };
}

function toResourceValues(input: ResourceInput): ResourceValues {
  return {
    title: input.title.trim(),
    description: input.description ?? '',
    type: input.type,
    languages: input.languages ?? [],
    licence: input.licence ?? null,
    url: input.url ?? null,
    themes: input.themes ?? [],
    openAccess: input.openAccess ?? true,
    published: input.published ?? false,
  };
}

/** The organisation's theme codes; the default vocabulary is created on first use. */
export async function themeCodes(tx: Tx, orgId: string): Promise<Set<string>> {
  let found = await repository.listThemes(tx);
  if (found.length === 0) {
    await repository.insertDefaultThemes(tx, orgId);
    found = await repository.listThemes(tx);
  }
  return new Set(found.map((theme) => theme.code));
}

export async function listThemes(tx: Tx, orgId: string): Promise<repository.ThemeRow[]> {
  await themeCodes(tx, orgId);
  return repository.listThemes(tx);
}

export async function saveTheme(tx: Tx, orgId: string, theme: { code: string; labelEn: string; labelFr: string; labelEs: string }): Promise<void> {
  if (!/^[a-z0-9_]{2,64}$/.test(theme.code)) throw new CatalogueError([{ field: 'code', message: 'expected 2–64 lower-case letters, digits or underscores' }]);
  await themeCodes(tx, orgId);
  await repository.upsertTheme(tx, orgId, theme);
}

/** Writes already-validated activities (insert or update by code). */
export async function writeActivities(tx: Tx, orgId: string, inputs: ActivityInput[]) {
  return repository.upsertActivities(tx, orgId, inputs.map(toActivityValues));
}

export async function saveActivity(tx: Tx, orgId: string, input: ActivityInput): Promise<ActivityRow> {
  const issues = checkActivity(input, await themeCodes(tx, orgId));
  if (issues.length > 0) throw new CatalogueError(issues);
  await writeActivities(tx, orgId, [input]);
  const id = (await repository.activityIdsByCode(tx, [input.code])).get(input.code)!;
  return (await repository.findActivity(tx, id))!;
}

export async function writeResources(tx: Tx, orgId: string, inputs: ResourceInput[]) {
  const result = await repository.upsertResources(tx, orgId, inputs.map(toResourceValues));
  const ids = await repository.resourceIdsByTitle(tx, inputs.map((input) => input.title.trim()));
  const activityIds = await repository.activityIdsByCode(tx, [...new Set(inputs.flatMap((input) => input.activityCodes ?? []))]);
  for (const input of inputs) {
    if (input.activityCodes === undefined) continue;
    await repository.replaceResourceLinks(tx, orgId, ids.get(input.title.trim())!, input.activityCodes.map((code) => activityIds.get(code)!));
  }
  return result;
}

export async function saveResource(tx: Tx, orgId: string, input: ResourceInput): Promise<void> {
  const known = await repository.activityIdsByCode(tx, input.activityCodes ?? []);
  const issues = checkResource(input, await themeCodes(tx, orgId), new Set(known.keys()));
  if (issues.length > 0) throw new CatalogueError(issues);
  await writeResources(tx, orgId, [input]);
}

export const { findActivity, listActivities, listResources, activityIdsByCode, activitiesEndedIn } = repository;
