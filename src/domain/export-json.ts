/**
 * The JSON shapes of the Export Engine's objects (spec §5.2, §5.5, §5.9), built from store rows.
 */
import type { DefinitionRow, FileRow, RunRow } from '../store/export-repo.js';

interface Creator {
  creator_guid: string;
  creator_email: string;
  creator_full_name: string;
}

export function userCompact(row: Creator) {
  return { email: row.creator_email, fullName: row.creator_full_name, guid: row.creator_guid };
}

export function definitionJson(d: DefinitionRow) {
  return {
    guid: d.guid,
    number: d.number,
    name: d.name,
    description: d.description,
    world: d.world,
    criteria: d.criteria === null ? null : JSON.parse(d.criteria),
    options: JSON.parse(d.options),
    creator: userCompact(d),
    creationDateTime: d.created_at,
  };
}

export function runJson(r: RunRow, files: FileRow[]) {
  const author = userCompact(r);
  return {
    guid: r.guid,
    number: r.number,
    status: r.status,
    creationDateTime: r.created_at,
    completionDateTime: r.completed_at,
    creator: author,
    criteria: JSON.parse(r.criteria),
    criteriaResultsCount: r.criteria_results_count,
    ...(files.length > 0 && {
      files: files.map((f) => ({ guid: f.guid, name: f.name, title: null, storageMethodName: 'FILE', author })),
    }),
    ...(r.error !== null && { errorMessage: r.error }),
  };
}

export function fileJson(f: FileRow, run: RunRow) {
  return {
    guid: f.guid,
    name: f.name,
    title: null,
    description: null,
    number: null,
    edition: null,
    format: 'zip',
    category: null,
    author: userCompact(run),
    location: null,
    mimeType: f.mime_type,
    size: f.size,
    storageMethodName: 'FILE',
    creationDateTime: f.created_at,
    lastModifiedDateTime: f.created_at,
    locked: true,
    latest: false,
    hasMarkup: false,
    private: false,
    haveContent: f.purged === 0,
  };
}
