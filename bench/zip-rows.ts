import { parse } from 'csv-parse';
import yauzl from 'yauzl';

/** CSV records per entry of a zip, header rows included (`header` says whether to discount them). */
export function countZipRows(file: string, header = true): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      let rows = 0;
      zip.on('end', () => resolve(rows));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('.csv')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const parser = stream.pipe(parse({ relax_column_count: true }));
          parser.on('data', () => rows++);
          parser.on('error', reject);
          parser.on('end', () => {
            if (header) rows--;
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
