import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { AppContext } from '../context.ts';
import { countSegment, listSegments, openSegmentMemberStream } from '../modules/segments/index.ts';
import { withCliContext } from './cli-context.ts';

type Print = (line: string) => void;

/** `segments list`: every live segment with its last size. */
export async function runSegmentsList(ctx: AppContext, print: Print): Promise<void> {
  let cursor: string | undefined;
  print(['id', 'size', 'counted at', 'name'].join('\t'));
  do {
    const page = await listSegments(ctx, { limit: 500, cursor });
    for (const s of page.data) print([s.id, s.size ?? '-', s.countedAt ?? '-', s.name].join('\t'));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** `segments count <id>`: counts now and records the size. */
export async function runSegmentsCount(ctx: AppContext, id: string, print: Print): Promise<void> {
  const started = performance.now();
  const segment = await countSegment(ctx, id);
  print(`${segment.id}\t${segment.size}\t(${Math.round(performance.now() - started)} ms)\t${segment.name}`);
}

/** `segments export <id>`: member ids as CSV (header member_id) to `out`; returns how many. */
export async function runSegmentsExport(ctx: AppContext, id: string, out: Writable): Promise<number> {
  const pages = await openSegmentMemberStream(ctx, id);
  let rows = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('member_id\n');
  for await (const ids of pages) {
    rows += ids.length;
    await write(`${ids.join('\n')}\n`);
  }
  return rows;
}

/** `membrain segments list | count <id> | export <id> [--out FILE]`. */
export function registerSegmentsCommand(program: Command): void {
  const segments = program.command('segments').description('saved member segments');
  segments
    .command('list')
    .description('list live segments with their last size')
    .action(() => withCliContext((ctx) => runSegmentsList(ctx, (line) => console.log(line))));
  segments
    .command('count <id>')
    .description('count a segment now and append the size to its history')
    .action((id: string) => withCliContext((ctx) => runSegmentsCount(ctx, id, (line) => console.log(line))));
  segments
    .command('export <id>')
    .description('write the member ids of a segment as CSV (no personal data)')
    .option('--out <file>', 'file to write (default: standard output)')
    .action(async (id: string, options: { out?: string }) => {
      await withCliContext(async (ctx) => {
        const out = options.out ? createWriteStream(options.out) : process.stdout;
        const rows = await runSegmentsExport(ctx, id, out);
        if (options.out) {
          out.end();
          await once(out, 'finish');
        }
        console.error(`${rows} member ids exported`);
      });
    });
}
