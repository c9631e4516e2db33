import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type ChurnResult, evaluateChurn } from '../ml/churn/index.ts';
import { parseDate, parseTransactions } from '../ml/clv/index.ts';

export interface EvalChurnOptions {
  transactions: string;
  calibrationEnd: string;
  holdout: string;
  trainCalibrationEnd?: string;
}

/** Reads the transaction log and runs the time-based churn evaluation. */
export function runEvalChurn(options: EvalChurnOptions, readFile: (path: string) => string): ChurnResult {
  return evaluateChurn(parseTransactions(readFile(options.transactions)), {
    calibrationEnd: parseDate(options.calibrationEnd),
    holdoutEnd: parseDate(options.holdout),
    ...(options.trainCalibrationEnd ? { trainCalibrationEnd: parseDate(options.trainCalibrationEnd) } : {}),
  });
}

function formatText(r: ChurnResult): string[] {
  const split = (name: string, s: ChurnResult['train']) =>
    `${name}: calibration to ${s.calibrationEnd}, holdout to ${s.holdoutEnd}, ${s.customers} customers, churn ${(100 * s.churnRate).toFixed(1)} %`;
  return [
    split('train', r.train),
    split('test ', r.test),
    `AUC GBDT ${r.auc.toFixed(4)}, 1 − P(alive) ${r.pAliveAuc.toFixed(4)}, −E[purchases] ${r.expectedPurchasesAuc.toFixed(4)}`,
    'top features by gain:',
    ...r.topFeatures.map((f) => `  ${f.feature.padEnd(20)} ${f.gain.toFixed(1)}`),
  ];
}

/** `membrain eval churn`, added under the `eval` command built in eval.command.ts. */
export function registerEvalChurn(evaluate: Command): void {
  evaluate
    .command('churn')
    .description('churn AUC (no purchase in the holdout): GBDT on calibration features vs BG/NBD P(alive)')
    .requiredOption(
      '--transactions <file>',
      'transactions CSV (customer, date, amount) or the CDNOW master log',
    )
    .requiredOption('--calibration-end <date>', 'last day of the test calibration period')
    .requiredOption('--holdout <date>', 'last day of the test holdout period')
    .option(
      '--train-calibration-end <date>',
      'calibration end of the training split (default: calibration end minus the holdout length)',
    )
    .option('--json', 'print JSON')
    .action((options: EvalChurnOptions & { json?: boolean }) => {
      const result = runEvalChurn(options, (path) => readFileSync(path, 'utf8'));
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else for (const line of formatText(result)) console.log(line);
    });
}
