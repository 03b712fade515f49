/**
 * JSON: one `<VIEW>.json` entry per view holding one array of objects keyed by column title, in column
 * order, streamed batch by batch. Values are typed: numbers, booleans, null for an empty cell, strings
 * for text and Zulu dates. An empty view is `[]`.
 */
import { Readable } from 'node:stream';
import type { Cell } from '../views/view.js';
import type { FormatWriter, PackageEntry, ViewSource } from './format.js';

function cellJson(v: Cell): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return JSON.stringify(v);
}

async function* jsonChunks(view: ViewSource): AsyncGenerator<string> {
  const keys = view.titles.map((t) => `${JSON.stringify(t)}:`);
  let first = true;
  yield '[';
  for await (const batch of view.rows()) {
    let chunk = '';
    for (const row of batch) {
      let obj = first ? '\n{' : ',\n{';
      first = false;
      for (let c = 0; c < keys.length; c++) obj += (c === 0 ? '' : ',') + keys[c] + cellJson(row[c] ?? null);
      chunk += `${obj}}`;
    }
    if (chunk !== '') yield chunk;
  }
  yield first ? ']\n' : '\n]\n';
}

export const jsonWriter: FormatWriter = {
  format: 'json',
  entries: (views) =>
    views.map(
      (view): PackageEntry => ({
        name: `${view.name}.json`,
        compress: true,
        open: () => Readable.from(jsonChunks(view), { objectMode: false }),
      }),
    ),
};
