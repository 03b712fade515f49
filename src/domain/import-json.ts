/**
 * The JSON shape of an Import Definition (spec §8.2), built from a store row.
 */
import type { ImportDefinitionRow } from '../store/import-repo.js';
import { userCompact } from './export-json.js';

export function importDefinitionJson(d: ImportDefinitionRow) {
  return {
    guid: d.guid,
    number: Number(d.number),
    name: d.name,
    description: d.description,
    resource: d.resource,
    mode: d.mode,
    options: JSON.parse(d.options),
    creator: userCompact(d),
    creationDateTime: d.created_at,
  };
}
