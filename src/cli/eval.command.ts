import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  bgnbdConditionalExpectedPurchases,
  buildSummary,
  countPurchaseDays,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  type PeriodUnit,
  paretoConditionalExpectedPurchases,
  parseDate,
  parseSummaryCsv,
  parseTransactions,
  type RfmSummary,
} from '../ml/clv/index.ts';
import { registerEvalChurn } from './eval-churn.ts';
import { registerEvalRecommend } from './eval-recommend.ts';
import { registerEvalRisk } from './eval-risk.ts';

export type ClvModel = 'bgnbd' | 'pareto' | 'gamma-gamma';
const MODELS: readonly ClvModel[] = ['bgnbd', 'pareto', 'gamma-gamma'];

export interface EvalClvOptions {
  model: ClvModel;
  summary?: string;
  transactions?: string;
  calibrationEnd?: string;
  /** Last day of the holdout period (needs transactions): predicted vs actual repeat purchases. */
  holdout?: string;
  period?: PeriodUnit;
}

export interface HoldoutReport {
  customers: number;
  /** Holdout length in periods. */
  length: number;
  predictedTotal: number;
  actualTotal: number;
  /** Mean absolute error of per-customer repeat purchases. */
  mae: number;
  /** (predicted − actual) / actual over all customers. */
  aggregateError: number;
}

export interface EvalClvResult {
  model: ClvModel;
  customers: number;
  params: Record<string, number>;
  logLikelihood: number;
  converged: boolean;
  holdout?: HoldoutReport;
}

const DAY_MS = 86_400_000;

/** Fits one model to a summary file or to a transaction log cut at the calibration end. */
export function runEvalClv(options: EvalClvOptions, readFile: (path: string) => string): EvalClvResult {
  if (!MODELS.includes(options.model)) throw new Error(`--model must be one of ${MODELS.join(', ')}`);
  if (!options.summary === !options.transactions)
    throw new Error('give exactly one of --summary and --transactions');
  if (options.holdout && !options.transactions) throw new Error('--holdout needs --transactions');
  if (options.holdout && options.model === 'gamma-gamma')
    throw new Error('--holdout evaluates purchase models only');
  const period = options.period ?? 'weeks';
  let summary: RfmSummary;
  let transactions: ReturnType<typeof parseTransactions> = [];
  let calibrationEnd = 0;
  if (options.summary) {
    summary = parseSummaryCsv(readFile(options.summary));
  } else {
    if (!options.calibrationEnd) throw new Error('--transactions needs --calibration-end');
    calibrationEnd = parseDate(options.calibrationEnd);
    transactions = parseTransactions(readFile(options.transactions as string));
    summary = buildSummary(transactions, calibrationEnd, period);
  }

  let result: EvalClvResult;
  if (options.model === 'gamma-gamma') {
    const fit = fitGammaGamma(summary);
    result = {
      model: 'gamma-gamma',
      customers: fit.customers,
      params: { ...fit.params },
      logLikelihood: fit.logLikelihood,
      converged: fit.converged,
    };
  } else {
    const fit = options.model === 'bgnbd' ? fitBgNbd(summary) : fitParetoNbd(summary);
    result = {
      model: options.model,
      customers: summary.ids.length,
      params: { ...fit.params },
      logLikelihood: fit.logLikelihood,
      converged: fit.converged,
    };
    if (options.holdout) {
      const holdoutEnd = parseDate(options.holdout);
      const length =
        (Math.floor(holdoutEnd / DAY_MS) - Math.floor(calibrationEnd / DAY_MS)) /
        (period === 'weeks' ? 7 : 1);
      const actual = countPurchaseDays(transactions, calibrationEnd, holdoutEnd);
      const predict =
        options.model === 'bgnbd'
          ? (x: number, tx: number, T: number) =>
              bgnbdConditionalExpectedPurchases(fit.params as never, length, x, tx, T)
          : (x: number, tx: number, T: number) =>
              paretoConditionalExpectedPurchases(fit.params as never, length, x, tx, T);
      result.holdout = holdoutReport(summary, actual, length, predict);
    }
  }
  return result;
}

function holdoutReport(
  summary: RfmSummary,
  actual: Map<string, number>,
  length: number,
  predict: (x: number, tx: number, T: number) => number,
): HoldoutReport {
  let predictedTotal = 0;
  let actualTotal = 0;
  let absError = 0;
  const n = summary.ids.length;
  for (let i = 0; i < n; i++) {
    const predicted = predict(
      summary.frequency[i] as number,
      summary.recency[i] as number,
      summary.T[i] as number,
    );
    const observed = actual.get(summary.ids[i] as string) ?? 0;
    predictedTotal += predicted;
    actualTotal += observed;
    absError += Math.abs(predicted - observed);
  }
  return {
    customers: n,
    length,
    predictedTotal,
    actualTotal,
    mae: absError / Math.max(1, n),
    aggregateError: actualTotal > 0 ? (predictedTotal - actualTotal) / actualTotal : Number.NaN,
  };
}

function formatText(result: EvalClvResult): string[] {
  const lines = [
    `${result.model}: ${result.customers} customers, log-likelihood ${result.logLikelihood.toFixed(4)}${result.converged ? '' : ' (not converged)'}`,
    ...Object.entries(result.params).map(([name, value]) => `  ${name.padEnd(6)} ${value.toFixed(6)}`),
  ];
  const h = result.holdout;
  if (h) {
    lines.push(
      `holdout (${h.length.toFixed(2)} periods): predicted ${h.predictedTotal.toFixed(1)}, actual ${h.actualTotal}, ` +
        `MAE ${h.mae.toFixed(4)}, aggregate error ${(100 * h.aggregateError).toFixed(2)} %`,
    );
  }
  return lines;
}

/** `membrain eval clv|churn`: fit and evaluate models on data files; no database involved. */
export function registerEvalCommand(program: Command): void {
  const evaluate = program.command('eval').description('evaluate models on data files (no database)');
  evaluate
    .command('clv')
    .description('fit BG/NBD, Pareto/NBD or Gamma-Gamma by maximum likelihood and print the parameters')
    .requiredOption('--model <model>', `one of ${MODELS.join(', ')}`)
    .option('--summary <file>', 'lifetimes-style summary CSV (ID,frequency,recency,T or ID,x,t_x,T,zbar)')
    .option('--transactions <file>', 'transactions CSV (customer, date, amount) or the CDNOW master log')
    .option('--calibration-end <date>', 'last day of the calibration period (with --transactions)')
    .option('--holdout <date>', 'last day of a holdout period: report predicted vs actual repeat purchases')
    .option('--period <unit>', 'period unit for recency and T: weeks or days', 'weeks')
    .option('--json', 'print JSON')
    .action((options: EvalClvOptions & { json?: boolean }) => {
      if (options.period !== 'weeks' && options.period !== 'days')
        throw new Error('--period must be weeks or days');
      const result = runEvalClv(options, (path) => readFileSync(path, 'utf8'));
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else for (const line of formatText(result)) console.log(line);
    });
  registerEvalChurn(evaluate);
  registerEvalRecommend(evaluate);
  registerEvalRisk(evaluate);
}
