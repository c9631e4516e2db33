import type { Command } from 'commander';
import { createProgressBar } from '../import/import-progress.ts';
import { type ImportSummary, importFile } from '../import/import-runner.ts';
import type { RowReject } from '../import/import-runs.ts';
import { IMPORT_KINDS, type ImportKind } from '../import/import-writers.ts';
import { importOnlineRetail, type OnlineRetailSummary } from '../import/online-retail.ts';
import { withCliContext } from './cli-context.ts';

const SHOWN_REJECTS = 20;

interface FileCommandOptions {
  format?: string;
  map?: string;
  batchSize: number;
  restart?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${value}`);
  return n;
}

const count = (n: number): string => n.toLocaleString('en');

function printRejects(rejects: readonly (RowReject & { file?: string })[], total: number): void {
  if (total === 0) return;
  console.log(`Rejected rows (first ${Math.min(SHOWN_REJECTS, rejects.length)} of ${count(total)}):`);
  for (const reject of rejects.slice(0, SHOWN_REJECTS)) {
    const where = reject.file ? `${reject.file}:${reject.line}` : `line ${reject.line}`;
    console.log(`  ${where}: ${reject.errors.join('; ')}`);
  }
  if (total > SHOWN_REJECTS)
    console.log(`  … and ${count(total - SHOWN_REJECTS)} more (up to 1,000 kept in import_runs.rejects)`);
}

function printFileSummary(summary: ImportSummary, seconds: number): void {
  if (summary.status === 'already-imported') {
    console.log(
      `${summary.file} was already imported (${count(summary.rowsOk)} rows); pass --restart to import it again.`,
    );
    return;
  }
  const resumed = summary.resumedAfter > 0 ? ` (resumed after record ${count(summary.resumedAfter)})` : '';
  console.log(
    `Imported ${summary.kind} from ${summary.file}${resumed}: ${count(summary.rowsOk)} rows ok, ` +
      `${count(summary.rowsRejected)} rejected, in ${seconds.toFixed(1)} s`,
  );
  if (summary.ignoredColumns.length > 0) {
    console.log(
      `Columns that name no field were ignored: ${summary.ignoredColumns.join(', ')} (use --map field=column)`,
    );
  }
  printRejects(summary.rejects, summary.rowsRejected);
}

async function runFileImport(kind: ImportKind, file: string, options: FileCommandOptions): Promise<void> {
  await withCliContext(async (ctx) => {
    const bar = createProgressBar(kind);
    const started = Date.now();
    let summary: ImportSummary;
    try {
      summary = await importFile(ctx, { kind, file, ...options, onProgress: bar.update });
    } finally {
      bar.stop();
    }
    printFileSummary(summary, (Date.now() - started) / 1000);
  });
}

function printRetailSummary(summary: OnlineRetailSummary, seconds: number): void {
  console.log(
    [
      `Online Retail: ${summary.files} files (${summary.filesAlreadyImported} already imported), ${count(summary.rows)} rows in ${seconds.toFixed(1)} s`,
      `  members created: ${count(summary.membersCreated)}`,
      `  items created: ${count(summary.itemsCreated)} (price updates: ${count(summary.itemsUpdated)})`,
      `  orders (order_paid): ${count(summary.orders)}; refunds (order_refunded): ${count(summary.refunds)}`,
      `  rows skipped without CustomerID: ${count(summary.skippedNoCustomer)}; rows rejected: ${count(summary.rowsRejected)}`,
    ].join('\n'),
  );
  printRejects(summary.rejects, summary.rowsRejected);
}

/** `membrain import members|items|events FILE` and `membrain import online-retail DIR`. */
export function registerImportCommand(program: Command): void {
  const command = program
    .command('import')
    .description(
      'import members, items or events from CSV/JSONL files (resumable), or the UCI Online Retail data set',
    );

  for (const kind of IMPORT_KINDS) {
    command
      .command(`${kind} <file>`)
      .description(`import ${kind} from a CSV or JSONL file (.gz accepted); a rerun resumes after a crash`)
      .option('--format <format>', 'csv or jsonl (default: from the file name)')
      .option(
        '--map <pairs>',
        'field=column pairs, comma-separated, e.g. email=mail,price.amount=price_cents',
      )
      .option('--batch-size <n>', 'rows per transaction, at most 1000', positiveInt, 1000)
      .option('--restart', 'forget saved progress and start from the first row')
      .action((file: string, options: FileCommandOptions) => runFileImport(kind, file, options));
  }

  command
    .command('online-retail <dir>')
    .description('import UCI Online Retail by-day CSV files: members, items, orders and refunds')
    .option('--limit <n>', 'only the first n files, in date order', positiveInt)
    .option('--restart', 'import files again even when an earlier run finished them')
    .action(async (dir: string, options: { limit?: number; restart?: boolean }) => {
      await withCliContext(async (ctx) => {
        const bar = createProgressBar('online-retail', 'files');
        const started = Date.now();
        let summary: OnlineRetailSummary;
        try {
          summary = await importOnlineRetail(ctx, dir, {
            ...options,
            onFile: (done, total) => bar.update({ bytesRead: done, totalBytes: total, rows: done }),
          });
        } finally {
          bar.stop();
        }
        printRetailSummary(summary, (Date.now() - started) / 1000);
      });
    });
}
