import yauzl from 'yauzl';

/** Data rows in the CSV entries of a zip (line count minus each file's header line). */
export function countZipRows(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      let rows = 0;
      zip.on('end', () => resolve(rows));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('.csv')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          rows -= 1;
          stream.on('data', (chunk: Buffer) => {
            for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
          });
          stream.on('end', () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}
