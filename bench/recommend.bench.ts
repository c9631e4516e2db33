// Recommendation models (src/ml/recommend) on the rows of ../shared/BENCHMARKS.md, leave-one-out by
// time: each user's last interaction is the test target. `selectRecommender` tunes every kind on the
// validation target (the second-to-last item; small grid per kind, NDCG@10) and picks `auto`; each
// kind's best is then refitted on all but the test targets and scored on test, full ranking with the
// user's training items filtered (or, on the sampled Video row, target vs 100 unseen items).
// ml-100k same-second ratings are ordered by item id, as the peers did. A time-split row (ml-100k:
// latest 20 % of ratings held out, every future item a target; validated the same way on the
// training part) follows; the Amazon files carry no
// timestamps, only order, so they get no time split.
// Peak RSS is the process's maximum resident set so far (it only grows over a run: run one set per
// process, `--set`, for a per-set figure). Timings are noisy when other work shares the 2 cores.
// Usage: MEMBRAIN_DATASETS=../shared/data nice -n 10 node bin/run-ts.mjs bench/recommend.bench.ts \
//   [--set ml-100k,beauty,bert4rec-beauty,video-sampled,video-full] [--kinds popularity,item-knn,als,ease]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeAlsWorkers } from '../src/ml/recommend/als.ts';
import { type DatasetFormat, type LoadOptions, loadInteractions } from '../src/ml/recommend/datasets.ts';
import { type EvaluationResult, evaluateRecommender, evaluateTargets } from '../src/ml/recommend/evaluate.ts';
import type { Interactions } from '../src/ml/recommend/interactions.ts';
import { createRecommender } from '../src/ml/recommend/load.ts';
import { type Candidate, selectRecommender } from '../src/ml/recommend/select.ts';
import { RECOMMENDER_KINDS, type RecommenderKind } from '../src/ml/recommend/serving.ts';
import { splitByTime, splitLeaveOneOut } from '../src/ml/recommend/split.ts';
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
  protocol: 'full' | 'sampled';
  /** Peer NDCG@10 / HR@10 measured on this machine (BENCHMARKS.md). */
  peers: Partial<Record<RecommenderKind, string>>;
  /** The best peer, which `auto` must reach. */
  bestPeer: string;
  /** Also a time-split row (the file has real timestamps). */
  timeSplit?: boolean;
}

const SETS: DatasetSpec[] = [
  {
    name: 'ml-100k',
    path: 'ml-100k/u.data',
    format: 'movielens',
    load: { ties: 'item-id' },
    protocol: 'full',
    peers: {
      ease: '0.0416 / 0.0880',
      als: '0.0393 / 0.0901',
      'item-knn': '0.0347 / 0.0774',
      popularity: '0.0250 / 0.0498',
    },
    bestPeer: 'EASE 0.0416 / 0.0880; iALS HR 0.0901',
    timeSplit: true,
  },
  {
    name: 'beauty',
    path: 'amazon-beauty-5core/Beauty.txt',
    format: 'lines',
    protocol: 'full',
    peers: {
      ease: '0.0446 / 0.0775',
      'item-knn': '0.0405 / 0.0718',
      als: '0.0280 / 0.0555',
      popularity: '0.0059 / 0.0130',
    },
    bestPeer: 'EASE 0.0446 / 0.0775',
  },
  {
    name: 'bert4rec-beauty',
    path: 'sasrec/bert4rec/beauty.txt',
    format: 'pairs',
    protocol: 'full',
    peers: { 'item-knn': '0.0295 / 0.0514', als: '0.0191 / 0.0375', popularity: '0.0038 / 0.0088' },
    bestPeer: 'item-kNN 0.0295 / 0.0514',
  },
  {
    name: 'video-sampled',
    path: 'sasrec/Video.txt',
    format: 'pairs',
    protocol: 'sampled',
    peers: {
      als: '0.5341 / 0.7417',
      ease: '0.4496 / 0.6056',
      'item-knn': '0.4293 / 0.5604',
      popularity: '0.2903 / 0.4905',
    },
    bestPeer: 'iALS 0.5341 / 0.7417',
  },
  {
    name: 'video-full',
    path: 'sasrec/Video.txt',
    format: 'pairs',
    protocol: 'full',
    peers: { ease: '0.0473 / 0.0894', 'item-knn': '0.0433 / 0.0824', als: '0.0382 / 0.0752' },
    bestPeer: 'EASE 0.0473 / 0.0894',
  },
];

const { values: args } = parseArgs({
  options: { set: { type: 'string' }, kinds: { type: 'string' } },
  allowPositionals: false,
});
const wanted = args.set ? new Set(args.set.split(',')) : null;
for (const name of wanted ?? []) {
  if (!SETS.some((s) => s.name === name)) {
    console.error(`unknown --set ${name}; sets: ${SETS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
}
const kinds = (args.kinds?.split(',') ?? ['popularity', 'item-knn', 'als', 'ease']) as RecommenderKind[];
for (const kind of kinds) {
  if (!RECOMMENDER_KINDS.includes(kind)) {
    console.error(`unknown kind ${kind}; kinds: ${RECOMMENDER_KINDS.join(', ')}`);
    process.exit(2);
  }
}

/**
 * Validation users per set (seeded subset; selectRecommender's default is 20,000): the full
 * ranking of every candidate is most of the bench's time, and 8,000 users keep the choice stable.
 */
const VALIDATION_USERS = 8_000;

type Row = Record<string, string | number>;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const fixed = (x: number) => x.toFixed(4);
const describeParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : String(v)}`)
    .join(' ') || '-';

/** Popularity with a half-life is the trending flavour: its own row, beside the plain peer row. */
const labelOf = (c: Candidate) => (c.kind === 'popularity' && 'halfLife' in c.params ? 'trending' : c.kind);

/** The best candidate of each kind (trending apart), in the order first tried. */
function bestPerKind(candidates: readonly Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const c of candidates) {
    const current = best.get(labelOf(c));
    if (!current || c.validation.ndcg > current.validation.ndcg) best.set(labelOf(c), c);
  }
  return [...best.values()];
}

function testRow(
  spec: DatasetSpec,
  data: Interactions,
  label: string,
  c: Candidate,
  r: EvaluationResult,
  fitSeconds: number,
  peer: string,
): Row {
  return {
    data: spec.name,
    protocol: spec.protocol,
    users: data.nUsers,
    items: data.nItems,
    model: label,
    params: describeParams(c.params),
    'val ndcg@10': fixed(c.validation.ndcg),
    'ndcg@10': fixed(r.ndcg),
    'hr@10': fixed(r.hr),
    'mrr@10': fixed(r.mrr),
    'coverage@10': fixed(r.coverage),
    popBias: r.popularityBias.toFixed(2),
    peer,
    fitSeconds: Number(fitSeconds.toFixed(2)),
    peakRssMb: peakRssMb(),
  };
}

async function runSet(spec: DatasetSpec): Promise<Row[]> {
  const data = await loadInteractions(join(DATASETS as string, spec.path), spec.format, spec.load);
  const split = splitLeaveOneOut(data);
  console.log(
    `${spec.name}: ${data.nUsers} users, ${data.nItems} items, ${data.byUser.indices.length} interactions`,
  );
  const selection = await selectRecommender(split.train, {
    kinds,
    protocol: spec.protocol,
    maxValidationUsers: VALIDATION_USERS,
    onCandidate: (c) =>
      console.log(
        `  ${spec.name} ${c.kind} ${describeParams(c.params)}: validation NDCG@10 ${fixed(c.validation.ndcg)} ` +
          `(fit ${c.seconds.toFixed(2)} s)`,
      ),
  });
  const rows: Row[] = [];
  for (const c of bestPerKind(selection.candidates)) {
    const model =
      c === selection.best ? selection.model : createRecommender(c.kind, { seed: 1, ...c.params });
    let fitSeconds = selection.fitSeconds;
    if (c !== selection.best) {
      const start = performance.now();
      model.fit(split.train);
      fitSeconds = (performance.now() - start) / 1000;
    }
    const r = evaluateRecommender(model, split.train, split.test, { protocol: spec.protocol });
    const label = labelOf(c);
    rows.push(
      testRow(spec, data, label, c, r, fitSeconds, label === c.kind ? (spec.peers[c.kind] ?? '-') : '-'),
    );
    if (c === selection.best) {
      const auto = testRow(spec, data, `auto → ${label}`, c, r, fitSeconds, `best peer ${spec.bestPeer}`);
      auto.selectionSeconds = Number(selection.seconds.toFixed(1));
      auto.candidates = selection.candidates.length;
      rows.push(auto);
    }
  }
  if (spec.timeSplit) rows.push(...(await timeSplitRows(spec, data)));
  if (spec.name === 'ml-100k') rows.push(await fileOrderRow());
  return rows;
}

/** ml-100k popularity with same-second ratings left in file order: the tie rule alone moves NDCG. */
async function fileOrderRow(): Promise<Row> {
  const data = await loadInteractions(join(DATASETS as string, 'ml-100k/u.data'), 'movielens');
  const split = splitLeaveOneOut(data);
  const model = createRecommender('popularity');
  model.fit(split.train);
  const r = evaluateRecommender(model, split.train, split.test);
  return {
    data: 'ml-100k (ties in file order)',
    model: 'popularity',
    'ndcg@10': fixed(r.ndcg),
    'hr@10': fixed(r.hr),
  };
}

/** The latest 20 % of interactions held out; each user's future items are the targets. */
async function timeSplitRows(spec: DatasetSpec, data: Interactions): Promise<Row[]> {
  const split = splitByTime(data, { testFraction: 0.2 });
  // Validated the way it is tested: on the latest 20 % of the training interactions.
  const selection = await selectRecommender(split.train, {
    kinds,
    validation: 'time',
    validationFraction: 0.2,
  });
  const rows: Row[] = [];
  for (const c of bestPerKind(selection.candidates)) {
    const model = createRecommender(c.kind, { seed: 1, ...c.params });
    const start = performance.now();
    model.fit(split.train);
    const fitSeconds = (performance.now() - start) / 1000;
    const r = evaluateTargets(model, split.train, split.test);
    const label = c === selection.best ? `auto → ${labelOf(c)}` : labelOf(c);
    const row = testRow({ ...spec, protocol: 'full' }, data, label, c, r, fitSeconds, '-');
    rows.push({ ...row, protocol: `time (${split.users} users)`, 'recall@10': fixed(r.recall) });
  }
  return rows;
}

const rows: Row[] = [];
try {
  for (const spec of SETS) {
    if (wanted && !wanted.has(spec.name)) continue;
    if (!existsSync(join(DATASETS, spec.path))) {
      console.warn(`${spec.name}: ${spec.path} not found under MEMBRAIN_DATASETS, skipped`);
      continue;
    }
    rows.push(...(await runSet(spec)));
  }
} finally {
  await closeAlsWorkers();
}
report(wanted ? `recommend-${[...wanted].join('-')}` : 'recommend', rows);
