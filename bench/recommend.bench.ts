// Recommendation core (src/ml/recommend) on the leave-one-out rows of ../shared/BENCHMARKS.md:
// each user's last interaction is the test target, the second-to-last the validation target; all
// items are ranked with the user's training items filtered out (full ranking), NDCG@10 / HR@10.
// Popularity, and item-kNN with a small grid (k ∈ {50, 100, 200}, λ ∈ {0, 10, 50}) chosen by
// validation NDCG@10 (fitted without the validation and test targets), then refitted on all but the
// test targets and reported on test. ml-100k same-second ratings are ordered by item id, as the
// peers did (a row with file order shows how much that choice moves the numbers).
// Peak RSS is the process's maximum resident set so far (process.resourceUsage().maxRSS).
// Usage: MEMBRAIN_DATASETS=/work/shared/data node bin/run-ts.mjs bench/recommend.bench.ts
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DatasetFormat,
  evaluateRecommender,
  ItemKnnRecommender,
  type LoadOptions,
  loadInteractions,
  PopularityRecommender,
  type Recommender,
  splitLeaveOneOut,
} from '../src/ml/recommend/index.ts';
import { report } from './lib/report.ts';

const DATASETS = process.env.MEMBRAIN_DATASETS;
if (!DATASETS) {
  console.error('set MEMBRAIN_DATASETS to the benchmark data folder');
  process.exit(2);
}

interface DatasetSpec {
  name: string;
  path: string;
  format: DatasetFormat;
  load?: LoadOptions;
  peers: Record<string, string>;
}

const SETS: DatasetSpec[] = [
  {
    name: 'ml-100k',
    path: 'ml-100k/u.data',
    format: 'movielens',
    load: { ties: 'item-id' },
    peers: { popularity: '0.0250 / 0.0498', 'item-knn': '0.0347 / 0.0774' },
  },
  {
    name: 'amazon-beauty-5core',
    path: 'amazon-beauty-5core/Beauty.txt',
    format: 'lines',
    peers: { popularity: '0.0059 / 0.0130', 'item-knn': '0.0405 / 0.0718' },
  },
];
const GRID = [50, 100, 200].flatMap((k) => [0, 10, 50].map((shrinkage) => ({ k, shrinkage })));

type Row = Record<string, string | number>;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const fixed = (x: number) => x.toFixed(4);

function timedFit(model: Recommender, train: Parameters<Recommender['fit']>[0]): number {
  const start = performance.now();
  model.fit(train);
  return (performance.now() - start) / 1000;
}

async function runSet(spec: DatasetSpec): Promise<Row[]> {
  const data = await loadInteractions(join(DATASETS as string, spec.path), spec.format, spec.load);
  const split = splitLeaveOneOut(data, { validation: true });
  const validation = split.validation!;
  const base = {
    data: spec.name,
    users: data.nUsers,
    items: data.nItems,
    interactions: data.byUser.indices.length,
  };
  const row = (fitted: Recommender, model: string, params: string, seconds: number, valNdcg: number): Row => {
    const r = evaluateRecommender(fitted, split.train, split.test);
    const peer = spec.peers[model] ?? '-';
    return {
      ...base,
      model,
      params,
      'val ndcg@10': fixed(valNdcg),
      'ndcg@10': fixed(r.ndcg),
      'hr@10': fixed(r.hr),
      'mrr@10': fixed(r.mrr),
      'coverage@10': fixed(r.coverage),
      popBias: r.popularityBias.toFixed(2),
      peer,
      fitSeconds: Number(seconds.toFixed(3)),
      peakRssMb: peakRssMb(),
    };
  };
  const pop = new PopularityRecommender();
  const popVal = new PopularityRecommender();
  popVal.fit(validation.train);
  const popValNdcg = evaluateRecommender(popVal, validation.train, validation.target).ndcg;
  const rows = [row(pop, 'popularity', '-', timedFit(pop, split.train), popValNdcg)];
  let best = { ndcg: -1, params: GRID[0]! };
  for (const params of GRID) {
    const model = new ItemKnnRecommender(params);
    model.fit(validation.train);
    const ndcg = evaluateRecommender(model, validation.train, validation.target).ndcg;
    console.log(
      `${spec.name} item-knn k=${params.k} λ=${params.shrinkage}: validation NDCG@10 ${fixed(ndcg)}`,
    );
    if (ndcg > best.ndcg) best = { ndcg, params };
  }
  const knn = new ItemKnnRecommender(best.params);
  const seconds = timedFit(knn, split.train);
  rows.push(row(knn, 'item-knn', `k=${best.params.k} λ=${best.params.shrinkage}`, seconds, best.ndcg));
  return rows;
}

/** ml-100k popularity with same-second ratings left in file order: the tie rule alone moves NDCG. */
async function fileOrderRow(): Promise<Row> {
  const data = await loadInteractions(join(DATASETS as string, 'ml-100k/u.data'), 'movielens');
  const split = splitLeaveOneOut(data);
  const model = new PopularityRecommender();
  model.fit(split.train);
  const r = evaluateRecommender(model, split.train, split.test);
  return {
    data: 'ml-100k (ties in file order)',
    model: 'popularity',
    'ndcg@10': fixed(r.ndcg),
    'hr@10': fixed(r.hr),
  };
}

const rows: Row[] = [];
for (const spec of SETS) {
  if (!existsSync(join(DATASETS, spec.path))) {
    console.warn(`${spec.name}: ${spec.path} not found under MEMBRAIN_DATASETS, skipped`);
    continue;
  }
  rows.push(...(await runSet(spec)));
}
const extra = existsSync(join(DATASETS, 'ml-100k/u.data')) ? { tieSensitivity: await fileOrderRow() } : {};
report('recommend', rows, extra);
if ('tieSensitivity' in extra) console.log('tie sensitivity:', extra.tieSensitivity);
