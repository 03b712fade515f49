/** The import resources this server runs, by resource name: the executor's and the staging thread's one list. */
import { itemBomHandler } from './bom.js';
import { fileSummaryHandler } from './file-summary.js';
import { itemFilesHandler } from './item-files.js';
import type { HandlerFactory } from './resource.js';
import { itemSpecsHandler } from './specs.js';

export const HANDLERS: Record<string, { factory: HandlerFactory; world: string }> = {
  ITEM_SPECS: { factory: itemSpecsHandler, world: 'ITEM' },
  ITEM_BOM: { factory: itemBomHandler, world: 'BOM' },
  // no custom attributes: the FILE world has none, so the factories get an empty list
  ITEM_FILES: { factory: itemFilesHandler, world: 'FILE' },
  FILE_SUMMARY: { factory: fileSummaryHandler, world: 'FILE' },
};
