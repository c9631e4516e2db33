import { createReadStream, statSync } from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

export type ImportFormat = 'csv' | 'jsonl';

/** One data record of a source file, numbered for resuming and for messages. */
export interface SourceRecord {
  /** 1-based position among the file's data records; progress is saved as this number. */
  index: number;
  /** Line number in the uncompressed file (the last line, for a CSV record spanning several). */
  line: number;
  /** A CSV row as column → text, or a parsed JSON value. */
  value?: unknown;
  /** Set instead of `value` when the line itself cannot be read. */
  error?: string;
}

/** Records streamed from a file, with how far into the (possibly compressed) file we are. */
export interface RecordSource {
  records: AsyncIterable<SourceRecord>;
  totalBytes: number;
  bytesRead(): number;
}

/** `csv` or `jsonl` from an explicit choice or the file name (`.csv`, `.jsonl`, `.ndjson`, each maybe `.gz`). */
export function formatOf(file: string, explicit?: string): ImportFormat {
  if (explicit === 'csv' || explicit === 'jsonl') return explicit;
  if (explicit !== undefined) throw new Error(`--format must be csv or jsonl, not ${explicit}`);
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  throw new Error(`cannot tell the format of ${file}; pass --format csv or --format jsonl`);
}

/** Splits a text stream into lines without holding more than one chunk (backpressure by for-await). */
async function* textLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const parts = (rest + decoder.write(chunk as Buffer)).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  rest += decoder.end();
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

async function* jsonlRecords(stream: Readable): AsyncGenerator<SourceRecord> {
  let line = 0;
  let index = 0;
  for await (const text of textLines(stream)) {
    line += 1;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') continue;
    index += 1;
    try {
      yield { index, line, value: JSON.parse(trimmed) as unknown };
    } catch (error) {
      yield { index, line, error: `not valid JSON: ${(error as Error).message}` };
    }
  }
}

async function* csvRecords(stream: Readable): AsyncGenerator<SourceRecord> {
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true });
  stream.on('error', (error) => parser.destroy(error));
  stream.pipe(parser);
  let header: string[] | null = null;
  let index = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (header === null) {
      header = record.map((name) => name.trim());
      continue;
    }
    index += 1;
    if (record.length !== header.length) {
      yield { index, line: info.lines, error: `expected ${header.length} fields, found ${record.length}` };
      continue;
    }
    const columns = header;
    yield { index, line: info.lines, value: Object.fromEntries(columns.map((name, i) => [name, record[i]])) };
  }
}

/** Opens `file` (gunzipped on the fly when it ends in `.gz`) as a stream of records. */
export function openRecords(file: string, format: ImportFormat): RecordSource {
  const totalBytes = statSync(file).size;
  let bytes = 0;
  const raw = createReadStream(file);
  // Counts the file's own bytes (compressed ones for .gz), which is what the size is measured in.
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  raw.on('error', (error) => counter.destroy(error));
  let stream: Readable = raw.pipe(counter);
  if (file.toLowerCase().endsWith('.gz')) {
    const gunzip = createGunzip();
    counter.on('error', (error) => gunzip.destroy(error));
    stream = counter.pipe(gunzip);
  }
  return {
    records: format === 'csv' ? csvRecords(stream) : jsonlRecords(stream),
    totalBytes,
    bytesRead: () => bytes,
  };
}
