import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AppContext } from '../context.ts';
import { closeAlsWorkers } from '../ml/recommend/als.ts';
import type { ItemFeatures } from '../ml/recommend/content.ts';
import { type DatasetFormat, loadInteractions } from '../ml/recommend/datasets.ts';
import { type EvaluationResult, evaluateRecommender, evaluateTargets } from '../ml/recommend/evaluate.ts';
import type { Interactions } from '../ml/recommend/interactions.ts';
import {
  type Candidate,
  defaultGrid,
  type SelectOptions,
  selectRecommender,
} from '../ml/recommend/select.ts';
import type { RecommenderKind } from '../ml/recommend/serving.ts';
import { splitByTime, splitLeaveOneOut } from '../ml/recommend/split.ts';

export const EVAL_MODELS = ['pop', 'trending', 'knn', 'als', 'ease', 'content', 'auto'] as const;
export type EvalModel = (typeof EVAL_MODELS)[number];
const FORMATS: readonly DatasetFormat[] = ['pairs', 'lines', 'movielens'];
const PROTOCOLS = ['loo', 'sampled', 'time'] as const;
type Protocol = (typeof PROTOCOLS)[number];

/** The command line as commander hands it over (strings, unchecked). */
export interface EvalRecommendOptions {
  dataset?: string;
  format?: string;
  protocol?: string;
  model?: string;
  k?: string;
  seed?: string;
  ties?: string;
  source?: string;
  features?: string;
  testFraction?: string;
  json?: boolean;
}

/** What `membrain eval recommend --json` prints. */
export interface EvalRecommendResult {
  model: string;
  kind: RecommenderKind;
  params: Record<string, unknown>;
  protocol: Protocol;
  users: number;
  items: number;
  interactions: number;
  /** Users evaluated on the test targets. */
  evaluatedUsers: number;
  'hr@10': number;
  'ndcg@10': number;
  'recall@10': number;
  'mrr@10': number;
  coverage: number;
  popularityBias: number;
  validationNdcg: number;
  /** Seconds to fit the chosen model on the training data (selection not included). */
  trainSeconds: number;
  /** Seconds of the whole selection (every candidate fitted and validated). */
  selectionSeconds: number;
  peakRssMb: number;
  candidates?: {
    kind: RecommenderKind;
    params: Record<string, unknown>;
    validationNdcg: number;
    seconds: number;
  }[];
  /** The metric keys say @10; `k` is the cut-off actually used. */
  k: number;
}

/** A bad command line: printed without a stack and the process exits with code 2. */
export class UsageError extends Error {}

/** Interactions and, when known, the items' content tokens. */
export interface SourceData {
  data: Interactions;
  itemFeatures?: ItemFeatures;
}

/** Where the data comes from when `--source db` is given (the shop's own events). */
export type DbSource = () => Promise<SourceData>;

/**
 * The shop's events, weighted exactly as the training job weighs them (the settings in force), and
 * the catalogue's tokens for the content model.
 */
export async function shopEventsFrom(ctx: AppContext): Promise<SourceData> {
  // Loaded lazily: `eval` on files needs neither the database nor the module.
  const { extractInteractions } = await import('../modules/recommendations/recommendations.extract.ts');
  const { getRecommendationSettings } = await import(
    '../modules/recommendations/recommendations.settings.ts'
  );
  const { itemFeaturesFor } = await import('../modules/recommendations/recommendations.train-features.ts');
  const { settings } = await getRecommendationSettings(ctx, { fresh: true });
  const { data } = await extractInteractions(ctx, settings);
  return { data, itemFeatures: await itemFeaturesFor(ctx, data.itemIds) };
}

/** `--source db`: the configured database (same config as the server). */
export const shopEvents: DbSource = async () => {
  const { withCliContext } = await import('./cli-context.ts');
  return withCliContext(shopEventsFrom);
};

interface Checked {
  protocol: Protocol;
  model: EvalModel;
  k: number;
  seed: number;
  testFraction: number;
}

/** Checks the options and says exactly what is wrong. */
export function checkOptions(o: EvalRecommendOptions): Checked {
  const problems: string[] = [];
  const source = o.source ?? 'file';
  if (source !== 'file' && source !== 'db') problems.push('--source must be file or db');
  if (source === 'file') {
    if (!o.dataset) problems.push('--dataset FILE is required (or --source db)');
    if (!o.format) problems.push(`--format is required: ${FORMATS.join('|')}`);
    else if (!FORMATS.includes(o.format as DatasetFormat))
      problems.push(`--format must be one of ${FORMATS.join('|')}`);
  } else if (o.dataset || o.format) {
    problems.push('--source db reads the shop’s events: drop --dataset and --format');
  }
  const protocol = (o.protocol ?? 'loo') as Protocol;
  if (!PROTOCOLS.includes(protocol)) problems.push(`--protocol must be one of ${PROTOCOLS.join('|')}`);
  const model = (o.model ?? 'auto') as EvalModel;
  if (!EVAL_MODELS.includes(model)) problems.push(`--model must be one of ${EVAL_MODELS.join('|')}`);
  if (model === 'content' && !o.features) problems.push('--model content needs --features FILE');
  const k = Number(o.k ?? 10);
  if (!Number.isInteger(k) || k < 1 || k > 1000) problems.push('--k must be an integer from 1 to 1000');
  const seed = Number(o.seed ?? 1);
  if (!Number.isInteger(seed)) problems.push('--seed must be an integer');
  if (o.ties !== undefined && o.ties !== 'item-id' && o.ties !== 'file')
    problems.push('--ties must be item-id or file');
  if (o.ties === 'item-id' && o.format !== 'movielens')
    problems.push('--ties item-id applies to --format movielens');
  const testFraction = Number(o.testFraction ?? 0.2);
  if (!(testFraction > 0 && testFraction < 1)) problems.push('--test-fraction must be between 0 and 1');
  if (o.testFraction !== undefined && protocol !== 'time')
    problems.push('--test-fraction applies to --protocol time');
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { protocol, model, k, seed, testFraction };
}

/** Which kinds a `--model` tries, and with which grids. */
function selectionFor(model: EvalModel, train: Interactions): Pick<SelectOptions, 'kinds' | 'grids'> {
  switch (model) {
    case 'pop':
      return { kinds: ['popularity'], grids: { popularity: [{}] } };
    case 'trending':
      // The time-decayed flavour only: the plain count is `pop`.
      return {
        kinds: ['popularity'],
        grids: { popularity: defaultGrid('popularity', train).filter((p) => 'halfLife' in p) },
      };
    case 'knn':
      return { kinds: ['item-knn'] };
    case 'als':
      return { kinds: ['als'] };
    case 'ease':
      return { kinds: ['ease'] };
    case 'content':
      return { kinds: ['content'] };
    default:
      return {};
  }
}

/**
 * Reads item features from JSON: `{ "<item id>": ["token", …] | [attribute id, …] }` (numbers become
 * `attr:<n>`, as in the S3-Rec item2attributes files). Items without an entry have no features.
 */
export function parseItemFeatures(text: string, itemIds: readonly string[]): ItemFeatures {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError('--features must be a JSON object of item id → list of tokens');
  return itemIds.map((id) => {
    const tokens = raw[id];
    if (!Array.isArray(tokens)) return [];
    return tokens.map((t) => (typeof t === 'number' ? `attr:${t}` : String(t)));
  });
}

/** Loads, splits, selects on validation, refits and evaluates on test. */
export async function runEvalRecommend(
  options: EvalRecommendOptions,
  dbSource: DbSource = shopEvents,
): Promise<EvalRecommendResult> {
  const checked = checkOptions(options);
  let data: Interactions;
  let itemFeatures: ItemFeatures | undefined;
  if ((options.source ?? 'file') === 'db') {
    ({ data, itemFeatures } = await dbSource());
    if (data.nUsers < 2 || data.nItems < 2)
      throw new UsageError('--source db: the shop has too few item events to evaluate recommendations');
  } else {
    const ties = options.ties === 'item-id' ? ({ ties: 'item-id' } as const) : {};
    data = await loadInteractions(options.dataset as string, options.format as DatasetFormat, ties);
  }
  if (options.features)
    itemFeatures = parseItemFeatures(readFileSync(options.features, 'utf8'), data.itemIds);
  const { protocol, model, k, seed } = checked;
  const split =
    protocol === 'time'
      ? { kind: 'time' as const, ...splitByTime(data, { testFraction: checked.testFraction }) }
      : { kind: 'loo' as const, ...splitLeaveOneOut(data) };
  if (model === 'ease' && data.nItems > 20_000)
    throw new UsageError(`--model ease: ${data.nItems} items is more than EASE's 20,000-item limit`);
  const selection = await selectRecommender(split.train, {
    ...selectionFor(model, split.train),
    seed,
    k,
    protocol: protocol === 'sampled' ? 'sampled' : 'full',
    // Validation mirrors the test: a time-split test is predicted by models chosen on a time split.
    ...(protocol === 'time' ? { validation: 'time' as const, validationFraction: checked.testFraction } : {}),
    ...(itemFeatures ? { itemFeatures } : {}),
  });
  const trainSeconds = selection.fitSeconds;
  const test: EvaluationResult =
    split.kind === 'time'
      ? evaluateTargets(selection.model, split.train, split.test, { k })
      : evaluateRecommender(selection.model, split.train, split.test, {
          k,
          protocol: protocol === 'sampled' ? 'sampled' : 'full',
          seed,
        });
  const best = selection.best;
  return {
    model,
    kind: best.kind,
    params: best.params,
    protocol,
    users: data.nUsers,
    items: data.nItems,
    interactions: data.byUser.indices.length,
    evaluatedUsers: test.users,
    'hr@10': test.hr,
    'ndcg@10': test.ndcg,
    'recall@10': test.recall,
    'mrr@10': test.mrr,
    coverage: test.coverage,
    popularityBias: test.popularityBias,
    validationNdcg: best.validation.ndcg,
    trainSeconds,
    selectionSeconds: selection.seconds,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ...(model === 'auto' ? { candidates: selection.candidates.map(summariseCandidate) } : {}),
    k,
  };
}

function summariseCandidate(c: Candidate): NonNullable<EvalRecommendResult['candidates']>[number] {
  return { kind: c.kind, params: c.params, validationNdcg: c.validation.ndcg, seconds: c.seconds };
}

const f4 = (x: number) => x.toFixed(4);

/** The readable form: one block of metrics, then the candidates of `auto`. */
export function formatEvalRecommend(r: EvalRecommendResult): string[] {
  const params = Object.entries(r.params)
    .map(
      ([name, value]) =>
        `${name}=${typeof value === 'number' ? Number(value.toPrecision(6)) : String(value)}`,
    )
    .join(' ');
  const lines = [
    `${r.model} → ${r.kind}${params ? ` (${params})` : ''}, protocol ${r.protocol}`,
    `data: ${r.users} users, ${r.items} items, ${r.interactions} interactions; ${r.evaluatedUsers} users evaluated`,
    `metric         @${r.k}`,
    `NDCG          ${f4(r['ndcg@10'])}`,
    `HR            ${f4(r['hr@10'])}`,
    `Recall        ${f4(r['recall@10'])}`,
    `MRR           ${f4(r['mrr@10'])}`,
    `coverage      ${f4(r.coverage)}`,
    `pop. bias     ${r.popularityBias.toFixed(2)}`,
    `validation NDCG ${f4(r.validationNdcg)}; train ${r.trainSeconds.toFixed(2)} s, selection ${r.selectionSeconds.toFixed(2)} s, peak RSS ${r.peakRssMb} MB`,
  ];
  if (r.candidates) {
    lines.push('candidates (validation NDCG, fit seconds):');
    for (const c of r.candidates) {
      const p = Object.entries(c.params)
        .map(([n, v]) => `${n}=${typeof v === 'number' ? Number(v.toPrecision(6)) : String(v)}`)
        .join(' ');
      lines.push(`  ${c.kind.padEnd(10)} ${f4(c.validationNdcg)}  ${c.seconds.toFixed(2).padStart(7)}  ${p}`);
    }
  }
  return lines;
}

/** `membrain eval recommend`, added under the `eval` command built in eval.command.ts. */
export function registerEvalRecommend(evaluate: Command, dbSource: DbSource = shopEvents): void {
  evaluate
    .command('recommend')
    .description('recommendation models on a data set (or the shop’s events): validation-tuned, test metrics')
    .option('--dataset <file>', 'interactions file')
    .option('--format <format>', `file format: ${FORMATS.join('|')}`)
    .option('--protocol <protocol>', 'loo (full ranking) | sampled (target vs 100 unseen) | time', 'loo')
    .option('--model <model>', EVAL_MODELS.join('|'), 'auto')
    .option('--k <n>', 'cut-off of every metric', '10')
    .option('--seed <n>', 'seed of the models and the sampled negatives', '1')
    .option('--ties <rule>', 'order of same-time ratings in movielens files: file | item-id')
    .option('--features <file>', 'item features JSON (item id → tokens) for the content model')
    .option(
      '--test-fraction <share>',
      'with --protocol time: latest share of interactions held out',
      undefined,
    )
    .option('--source <source>', 'file (default) or db: the shop’s own events')
    .option('--json', 'print JSON')
    .action(async (options: EvalRecommendOptions) => {
      try {
        const result = await runEvalRecommend(options, dbSource);
        if (options.json) console.log(JSON.stringify(result, null, 2));
        else for (const line of formatEvalRecommend(result)) console.log(line);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        console.error(error.message);
        process.exitCode = 2;
      } finally {
        await closeAlsWorkers();
      }
    });
}
