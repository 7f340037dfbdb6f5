// The backup file: gzip-compressed JSON lines. Control lines are JSON arrays, row lines are JSON
// objects exactly as PostgreSQL's `to_jsonb` wrote them (so types survive: timestamps in UTC,
// numerics exact, bytea as hex), which keeps a backup readable by any PostgreSQL major version:
//
//   ["tracer-backup", { version, scope, migration, createdAt }]
//   ["table", "activities"]
//   {"org_id": "…", "id": "…", …}            one line per row, in primary-key order
//   ["end", "activities", rowCount, sha256]  sha256 of the row lines, each followed by "\n"
//   …
//   ["done"]                                 a file without it was cut short
import { createHash } from 'node:crypto';

export const BACKUP_FORMAT = 'tracer-backup';
export const BACKUP_VERSION = 1;

export type BackupScope = { kind: 'organisation'; id: string; slug: string } | { kind: 'database' };

export interface BackupHeader {
  version: number;
  scope: BackupScope;
  /** Hash of the last migration applied when the backup was made; a restore needs the same schema. */
  migration: string;
  createdAt: string;
}

export type ControlLine =
  | [typeof BACKUP_FORMAT, BackupHeader]
  | ['table', string]
  | ['end', string, number, string]
  | ['done'];

export interface TableSummary {
  table: string;
  rows: number;
  sha256: string;
}

/** Counts and hashes row lines the same way when writing and when checking a restore. */
export class RowDigest {
  private readonly hash = createHash('sha256');
  rows = 0;

  add(line: string): void {
    this.hash.update(line).update('\n');
    this.rows += 1;
  }

  finish(table: string): TableSummary {
    return { table, rows: this.rows, sha256: this.hash.digest('hex') };
  }
}

export class BackupFileError extends Error {}
