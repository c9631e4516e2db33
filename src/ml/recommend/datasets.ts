// The one file of src/ml/recommend that reads files: it only reads the path it is given.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Interactions, InteractionsBuilder } from './interactions.ts';

/**
 * Text formats: `pairs` (`user item` per line, chronological), `lines` (`user item item …` per
 * line, in order), `movielens` (u.data: `user\titem\trating\ttimestamp`; every rating counts).
 */
export type DatasetFormat = 'pairs' | 'lines' | 'movielens';

/** Options of {@link loadInteractions}. */
export interface LoadOptions {
  /**
   * How interactions of one user with the same time are ordered: `file` (default: line order) or
   * `item-id` (numeric item id, ascending; movielens only). ml-100k has many same-second ratings,
   * and the peers of BENCHMARKS.md sort by (timestamp, item id): leave-one-out targets, and so the
   * scores, depend on this choice.
   */
  ties?: 'file' | 'item-id';
}

/** Streams a data set file line by line into an implicit-feedback data set. */
export async function loadInteractions(
  path: string,
  format: DatasetFormat,
  options: LoadOptions = {},
): Promise<Interactions> {
  const byItemId = options.ties === 'item-id';
  if (byItemId && format !== 'movielens')
    throw new Error('ties: item-id applies to the movielens format only');
  const builder = new InteractionsBuilder();
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue;
    addLine(builder, fields, format, `${path}:${lineNumber}`, byItemId);
  }
  return builder.build();
}

function addLine(
  builder: InteractionsBuilder,
  fields: string[],
  format: DatasetFormat,
  where: string,
  byItemId: boolean,
): void {
  const [user, ...items] = fields as [string, ...string[]];
  if (items.length === 0) throw new Error(`${where}: expected a user and an item`);
  if (format === 'lines') {
    // The builder's default time is the running position, so file order is time order.
    for (const item of items) builder.add(user, item);
  } else if (format === 'pairs') {
    builder.add(user, items[0] as string);
  } else {
    const time = Number(items[2]);
    if (items.length < 3 || !Number.isFinite(time))
      throw new Error(`${where}: expected user item rating timestamp`);
    const item = items[0] as string;
    const tieKey = byItemId ? Number(item) : undefined;
    if (tieKey !== undefined && !Number.isFinite(tieKey)) throw new Error(`${where}: item id is not numeric`);
    builder.add(user, item, time, 1, tieKey);
  }
}
