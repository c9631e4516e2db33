import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { evaluateSplit, type GridPoint, type SplitEvaluation } from '../ml/risk/evaluate.ts';
import { buildRiskFeatures, loadFraudDataset, RISK_FEATURES } from '../ml/risk/fraud-ecommerce.ts';
import { stratifiedSplit, timeSplit } from '../ml/risk/splits.ts';
import { UsageError } from './eval-recommend.ts';

const SPLITS = ['stratified', 'time', 'both'] as const;
type SplitChoice = (typeof SPLITS)[number];

/** Train share of both splits (BENCHMARKS.md: 70/30). */
const TRAIN_SHARE = 0.7;

/** XGBoost 1.7, tuned, measured on this machine (../shared/BENCHMARKS.md, risk row). */
export const RISK_ANCHOR = { auc: 0.781, prAuc: 0.639, recallAt1pctFpr: 0.553 } as const;

/** The command line as commander hands it over (strings, unchecked). */
export interface EvalRiskOptions {
  dataset?: string;
  split?: string;
  seed?: string;
  json?: boolean;
  /** Replaces the searched grid (programmatic use: the data-set test checks one known point). */
  grid?: readonly GridPoint[];
}

/** One split's fields in the output (the grid and timings included). */
export type SplitReport = Omit<SplitEvaluation, 'split'> & { split: 'stratified' | 'time' };

/**
 * What `membrain eval risk --json` prints: the first split's fields at the top level (the
 * stratified one unless `--split time`), the time split, when run alongside, under `timeSplit`.
 */
export type EvalRiskResult = SplitReport & {
  dataset: string;
  rows: number;
  frauds: number;
  features: string[];
  /** Share of rows whose IP resolves to a country in the (truncated) range table. */
  ipCountryResolved: number;
  anchor: typeof RISK_ANCHOR;
  timeSplit?: SplitReport;
  peakRssMb: number;
};

interface Checked {
  dataset: string;
  split: SplitChoice;
  seed: number;
}

/** Checks the options and lists every problem at once. */
export function checkRiskOptions(o: EvalRiskOptions): Checked {
  const problems: string[] = [];
  if (!o.dataset) problems.push('--dataset DIR is required (the fraud-ecommerce folder)');
  else
    for (const file of ['fraud_data.csv', 'IpAddress_to_Country.csv'])
      if (!existsSync(join(o.dataset, file))) problems.push(`--dataset: ${join(o.dataset, file)} not found`);
  const split = (o.split ?? 'both') as SplitChoice;
  if (!SPLITS.includes(split)) problems.push(`--split must be one of ${SPLITS.join('|')}`);
  const seed = Number(o.seed ?? 42);
  if (!Number.isInteger(seed) || seed < 0) problems.push('--seed must be a non-negative integer');
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { dataset: o.dataset!, split, seed };
}

/** Loads the data set, computes the point-in-time features and evaluates the chosen split(s). */
export function runEvalRisk(options: EvalRiskOptions): EvalRiskResult {
  const { dataset, split, seed } = checkRiskOptions(options);
  const { rows, ipTable } = loadFraudDataset(dataset);
  if (rows.length < 20) throw new UsageError(`--dataset: only ${rows.length} labelled rows`);
  const columns = buildRiskFeatures(rows, ipTable);
  const labels = Float64Array.from(rows, (r) => r.label);
  const frauds = labels.reduce((s, y) => s + y, 0);
  if (frauds < 4 || frauds > rows.length - 4)
    throw new UsageError('--dataset: both classes need at least 4 rows');
  const all = rows.map((_, i) => i);
  const runs: SplitReport[] = [];
  if (split !== 'time')
    runs.push(
      evaluateSplit(
        'stratified',
        rows,
        columns,
        RISK_FEATURES,
        stratifiedSplit(all, labels, TRAIN_SHARE, seed),
        { seed, ...(options.grid ? { grid: options.grid } : {}) },
      ),
    );
  if (split !== 'stratified')
    runs.push(
      evaluateSplit(
        'time',
        rows,
        columns,
        RISK_FEATURES,
        timeSplit(
          rows.map((r) => r.purchase),
          TRAIN_SHARE,
        ),
        { seed, ...(options.grid ? { grid: options.grid } : {}) },
      ),
    );
  const [first, second] = runs as [SplitReport, SplitReport | undefined];
  return {
    dataset,
    rows: rows.length,
    frauds,
    features: [...RISK_FEATURES],
    ipCountryResolved: rows.filter((r) => ipTable.lookup(r.ip) !== undefined).length / rows.length,
    ...first,
    anchor: RISK_ANCHOR,
    ...(second ? { timeSplit: second } : {}),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

const f4 = (x: number) => (Number.isNaN(x) ? '   –  ' : x.toFixed(4));

/** The readable form: one table of model, rule and anchor per split. */
export function formatEvalRisk(r: EvalRiskResult): string[] {
  const lines = [
    `${r.dataset}: ${r.rows} purchases, ${r.frauds} frauds; ${r.features.length} point-in-time features; ` +
      `${(100 * r.ipCountryResolved).toFixed(1)} % of IPs resolve to a country`,
  ];
  for (const s of [r as SplitReport, r.timeSplit].filter((x): x is SplitReport => x !== undefined)) {
    const p = s.model.params;
    lines.push(
      '',
      `${s.split} split: ${s.trainRows} train / ${s.testRows} test rows (${s.testFrauds} frauds)`,
      `  gbdt: depth ${p.maxDepth}, rate ${p.learningRate}, min child weight ${p.minChildWeight}, ${s.model.trees} trees ` +
        `(validation AUC ${f4(s.model.validationAuc)}, ${s.grid.length} grid points)`,
      '  model                                   AUC     PR-AUC  recall@1%FPR',
      `  membrain gbdt                         ${f4(s.auc)}  ${f4(s.prAuc)}  ${f4(s.recallAt1pctFpr)}`,
      `  rule: purchase ≤ 1 min after signup   ${f4(s.rule.auc)}  ${f4(s.rule.prAuc)}  ${f4(s.rule.recallAt1pctFpr)}` +
        `   (flags ${(100 * s.rule.flaggedFraudShare).toFixed(1)} % of frauds, precision ${f4(s.rule.precision)})`,
    );
    if (s === (r as SplitReport))
      lines.push(
        `  anchor: XGBoost 1.7 tuned             ${f4(r.anchor.auc)}  ${f4(r.anchor.prAuc)}  ${f4(r.anchor.recallAt1pctFpr)}`,
      );
    lines.push(
      `  top features (mean |TreeSHAP|): ${s.featureImportance
        .slice(0, 5)
        .map((f) => `${f.feature} ${f.meanAbsShap.toFixed(3)}`)
        .join(', ')}`,
      `  train ${s.trainSeconds.toFixed(2)} s, grid ${s.selectionSeconds.toFixed(1)} s`,
    );
  }
  lines.push(`peak RSS ${r.peakRssMb} MB`);
  return lines;
}

/** `membrain eval risk`, added under the `eval` command built in eval.command.ts. */
export function registerEvalRisk(evaluate: Command): void {
  evaluate
    .command('risk')
    .description(
      'fraud model on the e-commerce fraud data set: point-in-time features, tuned GBDT, test metrics',
    )
    .option('--dataset <dir>', 'folder with fraud_data.csv and IpAddress_to_Country.csv')
    .option('--split <split>', SPLITS.join('|'), 'both')
    .option('--seed <n>', 'seed of the split, the validation slice and the trees', '42')
    .option('--json', 'print JSON')
    .action((options: EvalRiskOptions) => {
      try {
        const result = runEvalRisk(options);
        if (options.json) console.log(JSON.stringify(result, null, 2));
        else for (const line of formatEvalRisk(result)) console.log(line);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        console.error(error.message);
        process.exitCode = 2;
      }
    });
}
