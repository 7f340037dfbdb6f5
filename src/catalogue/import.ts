// Activities and learning resources as importable, exportable tables.
import { cells, type ImportKind } from '../imports/importer.ts';
import { listActivities, listResources } from './repository.ts';
import { checkActivity, checkResource, themeCodes, writeActivities, writeResources, type ActivityInput, type ResourceInput } from './service.ts';
import type { ActivityStatus, CrossCuttingMarker, FeeType, Modality, ResourceType } from './vocabulary.ts';

const activityColumns = [
  'code', 'title', 'description', 'modality', 'languages', 'start_date', 'end_date', 'country', 'city', 'themes', 'fee_type', 'programme', 'status',
  'is_open', 'target_groups', 'markers', 'capacity', 'cost', 'replication_notes', 'contact', 'published',
] as const;

export const activityImport: ImportKind<ActivityInput> = {
  name: 'activities',
  columns: activityColumns,
  required: ['code', 'title', 'modality'],
  keyColumn: 'code',
  key: (input) => input.code,
  parse(cell, issues) {
    return {
      code: cell('code'),
      title: cell('title'),
      description: cell('description'),
      modality: cell('modality').toLowerCase() as Modality,
      languages: cells.lowerList(cell('languages')),
      startDate: cells.text(cell('start_date')),
      endDate: cells.text(cell('end_date')),
      country: cells.text(cell('country').toUpperCase()),
      city: cells.text(cell('city')),
      themes: cells.list(cell('themes')),
      feeType: (cells.text(cell('fee_type').toLowerCase()) ?? 'free') as FeeType,
      programme: cells.text(cell('programme')),
      status: (cells.text(cell('status').toLowerCase()) ?? 'planned') as ActivityStatus,
      isOpen: cells.boolean(cell('is_open'), 'is_open', issues, true),
      targetGroups: cells.list(cell('target_groups')),
      markers: cells.lowerList(cell('markers')) as CrossCuttingMarker[],
      capacity: cells.integer(cell('capacity'), 'capacity', issues),
      cost: cells.number(cell('cost'), 'cost', issues),
      replicationNotes: cells.text(cell('replication_notes')),
      contact: cells.text(cell('contact')),
      published: cells.boolean(cell('published'), 'published', issues, false),
    };
  },
  async prepare(tx, actor) {
    const known = await themeCodes(tx, actor.orgId);
    return (input) => checkActivity(input, known);
  },
  async write(tx, actor, inputs) {
    return writeActivities(tx, actor.orgId, inputs);
  },
  async exportRows(tx) {
    const found = await listActivities(tx, {}, 1_000_000);
    return found.map((a) => [
      a.code, a.title, a.description, a.modality, a.languages.join(';'), a.startDate ?? '', a.endDate ?? '', a.country ?? '', a.city ?? '',
      a.themes.join(';'), a.feeType, a.programme ?? '', a.status, cells.yesNo(a.isOpen), a.targetGroups.join(';'), a.markers.join(';'),
      a.capacity === null ? '' : String(a.capacity), a.cost ?? '', a.replicationNotes ?? '', a.contact ?? '', cells.yesNo(a.published),
    ]);
  },
};

export const resourceImport: ImportKind<ResourceInput> = {
  name: 'resources',
  columns: ['title', 'type', 'description', 'languages', 'licence', 'url', 'themes', 'open_access', 'activities', 'published'],
  required: ['title', 'type'],
  keyColumn: 'title',
  key: (input) => input.title,
  parse(cell, issues) {
    return {
      title: cell('title'),
      type: cell('type').toLowerCase() as ResourceType,
      description: cell('description'),
      languages: cells.lowerList(cell('languages')),
      licence: cells.text(cell('licence')),
      url: cells.text(cell('url')),
      themes: cells.list(cell('themes')),
      openAccess: cells.boolean(cell('open_access'), 'open_access', issues, true),
      activityCodes: cells.list(cell('activities')),
      published: cells.boolean(cell('published'), 'published', issues, false),
    };
  },
  async prepare(tx, actor) {
    const known = await themeCodes(tx, actor.orgId);
    const codes = new Set((await listActivities(tx, {}, 1_000_000)).map((a) => a.code));
    return (input) => checkResource(input, known, codes);
  },
  async write(tx, actor, inputs) {
    return writeResources(tx, actor.orgId, inputs);
  },
  async exportRows(tx) {
    return (await listResources(tx, 1_000_000)).map((r) => [
      r.title, r.type, r.description, r.languages.join(';'), r.licence ?? '', r.url ?? '', r.themes.join(';'), cells.yesNo(r.openAccess),
      r.activityCodes.join(';'), cells.yesNo(r.published),
    ]);
  },
};
