/**
 * Streams one XML part of a zip through saxes, one inflated chunk per `step()`, calling the handlers
 * with local element names (a `x:` or other namespace prefix is dropped: some producers prefix every
 * SpreadsheetML element). Parts are UTF-8, or UTF-16 with a BOM. A DOCTYPE (never present in OOXML),
 * invalid text or malformed XML makes the file damaged; saxes expands no entities beyond XML's five.
 * saxes holds a text node (or tag) until it ends, so a run of more than `MAX_RUN_CHARS` characters
 * without a tag is refused too: no valid part has one (Excel's cells hold at most 32,767 characters).
 */
import { SaxesParser } from 'saxes';
import { ImportFileError } from './reader.js';
import { damaged, type ZipArchive } from './zip-archive.js';

/** The most characters the parser may hold between two tags. */
export const MAX_RUN_CHARS = 8 * 1024 * 1024;

export interface XmlHandlers {
  open(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

export function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** Decodes OOXML's `_xHHHH_` escapes (Excel writes a carriage return in a cell as `_x000D_`). */
export function unescapeOoxml(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

export class XmlPartStream {
  private readonly parser = new SaxesParser<{ position: false; xmlns: false }>({ position: false, xmlns: false });
  private readonly chunks: AsyncGenerator<Buffer>;
  private decoder: TextDecoder | null = null;
  private finished = false;
  /** characters fed to the parser, and that count when it last reported a tag */
  private fed = 0;
  private lastTagAt = 0;

  constructor(
    zip: ZipArchive,
    readonly name: string,
    handlers: XmlHandlers,
  ) {
    this.chunks = zip.read(name);
    const p = this.parser;
    p.on('opentag', (tag) => {
      this.lastTagAt = this.fed;
      handlers.open(localName(tag.name), tag.attributes);
    });
    const close = handlers.close;
    p.on('closetag', (tag) => {
      this.lastTagAt = this.fed;
      if (close) close(localName(tag.name));
    });
    const text = handlers.text;
    if (text) p.on('text', text);
    p.on('doctype', () => {
      throw damaged(`${name} declares a DOCTYPE, which an .xlsx part never does.`);
    });
    p.on('error', (err) => {
      throw damaged(`${name} is not well-formed XML (${err.message.replace(/\.$/, '')}).`);
    });
  }

  /** Parses the next chunk; false once the part is read (or `stop()` was called by a handler). */
  async step(): Promise<boolean> {
    if (this.finished) return false;
    const { value, done } = await this.chunks.next();
    if (this.finished) return false;
    if (done) {
      this.finished = true;
      this.write(this.decoder ? this.decode(undefined) : '');
      this.parser.close();
      return false;
    }
    if (!this.decoder) {
      const encoding = value[0] === 0xff && value[1] === 0xfe ? 'utf-16le' : value[0] === 0xfe && value[1] === 0xff ? 'utf-16be' : 'utf-8';
      this.decoder = new TextDecoder(encoding, { fatal: true });
    }
    this.write(this.decode(value));
    return !this.finished;
  }

  /** Stops reading: the rest of the part is not needed. */
  stop(): void {
    this.finished = true;
  }

  async run(): Promise<void> {
    while (await this.step());
    await this.close();
  }

  async close(): Promise<void> {
    this.finished = true;
    await this.chunks.return(undefined);
  }

  private decode(chunk: Buffer | undefined): string {
    try {
      return chunk ? this.decoder!.decode(chunk, { stream: true }) : this.decoder!.decode();
    } catch {
      throw damaged(`${this.name} is not valid ${this.decoder!.encoding.toUpperCase()} text.`);
    }
  }

  private write(text: string): void {
    this.fed += text.length;
    try {
      if (text) this.parser.write(text);
    } catch (err) {
      if (err instanceof ImportFileError) throw err;
      throw damaged(`${this.name} is not well-formed XML (${(err as Error).message.replace(/\.$/, '')}).`);
    }
    if (this.fed - this.lastTagAt > MAX_RUN_CHARS) {
      throw damaged(`${this.name} holds more than ${MAX_RUN_CHARS.toLocaleString('en-US')} characters without a tag, which no valid part does.`);
    }
  }
}

/** Parses a whole (small) part. */
export async function parseXmlPart(zip: ZipArchive, name: string, handlers: XmlHandlers): Promise<void> {
  const part = new XmlPartStream(zip, name, handlers);
  try {
    await part.run();
  } finally {
    await part.close();
  }
}
