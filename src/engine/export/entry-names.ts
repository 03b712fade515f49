/**
 * Names of entries inside the export zip. Whatever a file is called in the workspace, the entry name is
 * a relative path of safe segments: no `..`, no absolute path or drive letter, no backslash, no control or
 * bidi-override characters, no Windows-reserved device name, and bounded length (UTF-8 bytes).
 *
 * Physical files live under `files/<fileGuid>/<name>` (item files) and `supplierItemFiles/<fileGuid>/<name>`
 * (supplier-item files); the GUID folder keeps two files with the same name apart.
 */

/** Upper bound of one sanitised file-name segment, in UTF-8 bytes (the full entry name stays < 200). */
export const MAX_NAME_BYTES = 150;

export const ITEM_FILES_DIR = 'files';
export const SUPPLIER_ITEM_FILES_DIR = 'supplierItemFiles';

// C0/C1 controls, path separators, characters Windows forbids, and bidi overrides (names that display reversed).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a code point. */
function truncateBytes(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = utf8Length(ch);
    if (bytes + b > maxBytes) break;
    out += ch;
    bytes += b;
  }
  return out;
}

/**
 * A file name that is safe as one segment of a zip entry name. Unsafe characters become `_`; leading dots
 * and spaces and trailing dots and spaces are dropped; an empty result becomes `fallback`; an over-long
 * name is shortened keeping its extension.
 */
export function sanitizeFileName(name: string | null | undefined, fallback = 'file'): string {
  let s = (name ?? '').normalize('NFC').replace(UNSAFE, '_');
  s = s.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
  if (s === '') s = fallback;
  if (RESERVED.test(s)) s = `_${s}`;
  if (utf8Length(s) > MAX_NAME_BYTES) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 ? s.slice(dot) : '';
    if (ext !== '' && utf8Length(ext) <= 16) {
      s = truncateBytes(s.slice(0, dot), MAX_NAME_BYTES - utf8Length(ext)).replace(/[\s.]+$/u, '') + ext;
    } else {
      s = truncateBytes(s, MAX_NAME_BYTES).replace(/[\s.]+$/u, '');
    }
    if (s === '' || s.startsWith('.')) s = fallback;
  }
  return s;
}

/** A GUID as a folder name: GUIDs are [0-9A-Z], anything else is sanitised defensively. */
function guidSegment(guid: string): string {
  return /^[0-9A-Za-z]{1,64}$/.test(guid) ? guid : sanitizeFileName(guid.slice(0, 64), 'guid');
}

/** `files/<fileGuid>/<sanitised name>`: where an item file's content goes in the zip. */
export function itemFileEntryName(fileGuid: string, fileName: string | null): string {
  return `${ITEM_FILES_DIR}/${guidSegment(fileGuid)}/${sanitizeFileName(fileName)}`;
}

/** `supplierItemFiles/<fileGuid>/<sanitised name>`: where a supplier-item file's content goes. */
export function supplierItemFileEntryName(fileGuid: string, fileName: string | null): string {
  return `${SUPPLIER_ITEM_FILES_DIR}/${guidSegment(fileGuid)}/${sanitizeFileName(fileName)}`;
}

/** True when `name` is an entry name plmx would write (used by tests and as a last check before zipping). */
export function isSafeEntryName(name: string): boolean {
  if (name === '' || utf8Length(name) > 255) return false;
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.includes('\\')) return false;
  if (/[\u0000-\u001f\u007f]/.test(name)) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
