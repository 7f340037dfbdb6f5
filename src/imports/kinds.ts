// Every importable kind by name, for the CLI and the web import page.
import { activityImport, resourceImport } from '../catalogue/import.ts';
import { enrolmentImport, participantImport } from '../people/import.ts';
import type { ImportKind } from './importer.ts';

export const importKinds = {
  activities: activityImport,
  resources: resourceImport,
  participants: participantImport,
  enrolments: enrolmentImport,
} as const;
export type ImportKindName = keyof typeof importKinds;
export const importKindNames = Object.keys(importKinds) as ImportKindName[];

export function importKind(name: ImportKindName): ImportKind<unknown> {
  return importKinds[name] as unknown as ImportKind<unknown>;
}
