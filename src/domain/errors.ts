/**
 * The Arena error catalogue: every error plmx can answer, defined once with its code, HTTP status and
 * message template (`{0}`-style placeholders, as in Arena's catalogue). Code raises errors by code:
 *
 * ```ts
 * throw arenaError(3011, badGuid);          // 400 {"status":400,"errors":[{"code":3011,"message":"The guid \"…\" is not valid."}]}
 * ```
 */

interface CatalogueEntry {
  status: number;
  message: string;
}

export const CATALOGUE = {
  400: { status: 400, message: 'The request could not be understood by the server due to malformed syntax.' },
  401: { status: 401, message: 'There is no access token associated with this request or the access token is not valid.' },
  404: { status: 404, message: 'No resource has been found.' },
  405: { status: 405, message: 'The method is not allowed.' },
  413: { status: 413, message: 'The request body is larger than the allowed maximum of {0} bytes.' },
  415: { status: 415, message: 'The content type "{0}" is not supported.' },
  503: { status: 503, message: 'The service is currently unavailable.' },
  3000: { status: 500, message: 'Sorry, a system error occurred, please try again.' },
  3001: { status: 400, message: 'The attribute "{0}" is required.' },
  3003: { status: 400, message: 'The value for the attribute "{0}" is not valid.' },
  3004: { status: 400, message: 'The attribute "{0}" is not recognized.' },
  3006: { status: 400, message: 'The specified value "{0}" is not a valid option for the attribute "{1}".' },
  3011: { status: 400, message: 'The guid "{0}" is not valid.' },
  3012: { status: 400, message: 'The requested object with guid "{0}" is not found.' },
  3017: { status: 400, message: 'The file content is no longer available: {0} results are kept for {1} days.' },
  3019: { status: 400, message: 'The attribute "{0}" is not searchable.' },
  3020: { status: 400, message: 'The value for the attribute "{0}" cannot be empty.' },
  3024: { status: 403, message: 'Either you do not have privileges to access the requested data or it does not exist.' },
  3025: { status: 409, message: 'The item number "{0}" is already in use.' },
  3031: { status: 400, message: 'The attribute "{0}" is not creatable.' },
  3032: { status: 400, message: 'The attribute "{0}" is not editable.' },
  3037: { status: 400, message: 'The item "{0}" cannot be added to its own BOM (recursive BOM).' },
  3041: { status: 400, message: 'The limit or offset parameter is invalid.' },
  3114: { status: 400, message: 'The specified operator "{0}" is not valid for the attribute "{1}".' },
  3140: { status: 400, message: 'The export must have criteria to run.' },
  3141: { status: 400, message: 'The attribute Number must be an integer greater than zero.' },
  3142: { status: 400, message: 'Cannot override the criteria already set on the export definition.' },
  3144: { status: 400, message: 'Only one export can be in progress at any point in time.' },
  3148: { status: 400, message: 'A maximum of 20000 items can be exported.' },
  3149: { status: 400, message: 'Exports that generate over 5000 lines cannot include BOM or FILES as exportViews.' },
  /** Import runs (plmx choices, see docs/compat.md "Import Engine: runs"). */
  3175: { status: 400, message: 'The submitted content is not a supported file: {0}' },
  3176: { status: 400, message: 'The {0} of import run "{1}" is not available: the run is {2}.' },
  3517: { status: 400, message: 'The import run "{0}" had already been committed.' },
  3519: { status: 400, message: 'You need to set "commit" to true.' },
  3220: { status: 400, message: 'Limit must be 1-400, offset must equal or bigger than 0.' },
  3237: { status: 400, message: 'Only the working revision of an item can be edited.' },
  3292: { status: 400, message: 'No items found using the specified searching criteria.' },
  3293: { status: 400, message: 'The datetimes in {0} "{1}" must be in chronological order.' },
  3294: { status: 400, message: 'Criteria cannot contain guid criterion.' },
  4001: {
    status: 400,
    message: 'The username, password or workspace ID is not valid or you are not allowed to log in due to IP restriction.',
  },
  4083: { status: 400, message: 'Too many invalid password attempts, account disabled for five minutes.' },
  4084: {
    status: 429,
    message: 'You have exceeded your maximum of "{0}" requests during the last 24 hours. Additional requests can be made at "{1}".',
  },
} as const satisfies Record<number, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

export class ArenaError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, args: readonly unknown[] = [], status?: number) {
    const entry: CatalogueEntry = CATALOGUE[code];
    super(entry.message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? '')));
    this.code = code;
    this.status = status ?? entry.status;
  }

  toBody(): { status: number; errors: { code: number; message: string }[] } {
    return { status: this.status, errors: [{ code: this.code, message: this.message }] };
  }
}

export function arenaError(code: ErrorCode, ...args: unknown[]): ArenaError {
  return new ArenaError(code, args);
}
