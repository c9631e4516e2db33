// Login cost: how long one argon2id hash takes on one core with the configured parameters, and
// with neighbouring settings, so the chosen cost can be checked against the 20–50 ms target.
import { type Algorithm, hash } from '@node-rs/argon2';
import { loadConfig } from '../src/config.ts';
import { median, report } from './lib/report.ts';

const RUNS = 15;
// Argon2id; the package's Algorithm is an ambient const enum that isolatedModules cannot inline.
const ARGON2ID = 2 as Algorithm;

async function timeHash(memoryCost: number, timeCost: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await hash(`correct horse battery staple ${i}`, {
      algorithm: ARGON2ID,
      memoryCost,
      timeCost,
      parallelism: 1,
    });
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const configured = loadConfig({ env: {} }).argon2;
const settings = [
  { memoryCost: 19_456, timeCost: 2 },
  { memoryCost: 47_104, timeCost: 1 },
  { memoryCost: 65_536, timeCost: 2 },
  { memoryCost: 65_536, timeCost: 3 },
];
const rows = [];
for (const s of settings) {
  const ms = await timeHash(s.memoryCost, s.timeCost);
  const isDefault = s.memoryCost === configured.memoryCost && s.timeCost === configured.timeCost;
  rows.push({
    memoryKiB: s.memoryCost,
    timeCost: s.timeCost,
    parallelism: 1,
    medianMs: Number(ms.toFixed(1)),
    default: isDefault ? 'yes' : '',
  });
}
report('argon2', rows, { runsPerSetting: RUNS });
