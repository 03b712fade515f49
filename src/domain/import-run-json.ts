/**
 * The JSON shape of an Import Run (spec §8.6 and the get-import-run seed page), built from store rows.
 */
import type { ImportDefinitionRow, ImportRunRow, RunChangeRow } from '../store/import-run-repo.js';

export interface RunWarning {
  code: number;
  message: string;
}

/** The run-level options echo: timeZone and addToChange of the definition (spec §8.6). */
function optionsEcho(def: ImportDefinitionRow): Record<string, unknown> {
  let options: Record<string, unknown> = {};
  try {
    options = JSON.parse(def.options) as Record<string, unknown>;
  } catch {
    options = {};
  }
  const echo: Record<string, unknown> = {};
  if (def.mode.toUpperCase() !== 'DELETE') echo.timeZone = typeof options.timeZone === 'string' ? options.timeZone : 'UTC';
  if (options.addToChange !== undefined && options.addToChange !== null) echo.addToChange = options.addToChange;
  return echo;
}

/** A change of the run, as the get-import-run seed page shows it. */
function changeCompact(c: RunChangeRow) {
  return {
    category: c.category_guid === null ? null : { guid: c.category_guid, name: c.category_name, path: c.category_path },
    creationDateTime: c.created_at,
    creator: { email: c.creator_email, fullName: c.creator_name, guid: c.creator_guid },
    effectiveDateTime: c.effective_at,
    guid: c.guid,
    lifecycleDateTime: c.lifecycle_at,
    lifecycleStatus: { type: c.lifecycle_status },
    number: c.number,
    submissionDateTime: c.submission_at,
    title: c.title,
  };
}

export function importRunJson(r: ImportRunRow, def: ImportDefinitionRow, changes: readonly RunChangeRow[] = []) {
  const warnings = JSON.parse(r.warnings) as RunWarning[];
  return {
    guid: r.guid,
    number: r.number,
    creationDateTime: r.created_at,
    creator: { email: r.creator_email, fullName: r.creator_full_name, guid: r.creator_guid },
    submitFileType: r.submit_file_type,
    submitWorksheetName: r.submit_worksheet_name,
    completionDateTime: r.completed_at,
    status: r.status,
    warnings: { count: warnings.length, results: warnings },
    commit: r.commit === 1,
    totalCount: r.total_count,
    successCount: r.success_count,
    errorCount: r.error_count,
    options: optionsEcho(def),
    changes: changes.filter((c) => c.run_id === r.id).map(changeCompact),
    ...(r.error !== null && { errorMessage: r.error }),
  };
}
