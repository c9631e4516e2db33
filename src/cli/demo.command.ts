import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  type DemoProgress,
  type DemoShopResult,
  generateDemoShop,
  isDatabaseEmpty,
  runDemoInsights,
  runDemoLoyalty,
} from '../demo/index.ts';
import { rebuildDailyStats } from '../modules/stats/index.ts';
import { withCliContext } from './cli-context.ts';

interface DemoCommandOptions {
  members: string;
  seed: string;
  months: string;
  intensity: string;
}

function integerOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer from ${min} to ${max} (got ${value})`);
  return n;
}

function numberOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number from ${min} to ${max} (got ${value})`);
  return n;
}

/** A bar on stderr with members, events, members/s and ETA, fed by generateDemoShop's progress. */
function progressBar(total: number): { update: (p: DemoProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format:
        'demo shop |{bar}| {percentage}% | {value}/{total} members | {events} events | {rate} members/s | ETA {eta_formatted}',
      etaBuffer: 20,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { events: 0, rate: '0' });
  return {
    update: (p) => {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(p.membersDone, {
        events: p.eventsWritten.toLocaleString('en'),
        rate: Math.round(p.membersDone / seconds).toLocaleString('en'),
      });
    },
    stop: () => bar.stop(),
  };
}

/** `membrain demo`: fills an empty database with a seeded synthetic shop. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'generate a demo shop (items, members, months of behaviour, planted abuse) into an empty database',
    )
    .option('--members <n>', 'number of members (1 to 10,000,000)', '10000')
    .option('--seed <s>', 'random seed; the same seed gives the same shop', '42')
    .option('--months <m>', 'months of behaviour before now (6 to 18)', '12')
    .option('--intensity <x>', 'multiplies activity (1 ≈ 35 events a member)', '1')
    .addHelpText(
      'after',
      '\nThe database must hold no members, items or events. To generate another shop, point\n' +
        'DATABASE_URL at a new database, e.g. DATABASE_URL=sqlite:./data/demo-2.db membrain demo',
    )
    .action(async (options: DemoCommandOptions) => {
      const members = integerOption('members', options.members, 1, 10_000_000);
      const seed = integerOption('seed', options.seed, -2_147_483_648, 2_147_483_647);
      const months = integerOption('months', options.months, 6, 18);
      const intensity = numberOption('intensity', options.intensity, 0.05, 20);
      await withCliContext(async (ctx) => {
        if (!(await isDatabaseEmpty(ctx))) {
          throw new Error(
            'This database already holds members, items or events; the demo generator only fills an empty one.\n' +
              'Use a new database instead, e.g. DATABASE_URL=sqlite:./data/demo.db membrain demo',
          );
        }
        const bar = progressBar(members);
        const started = Date.now();
        let result: DemoShopResult;
        try {
          result = await generateDemoShop(ctx, { members, seed, months, intensity, onProgress: bar.update });
        } finally {
          bar.stop();
        }
        // The generator writes rows directly, past the services that keep the daily aggregates.
        await rebuildDailyStats(ctx);
        console.log('Replaying the shop’s history through the loyalty programme (points, expiry, tiers)…');
        await runDemoLoyalty(ctx, { from: result.from, to: result.to });
        console.log('Building member profiles, value scores, segment sizes and clusters…');
        const insights = await runDemoInsights(ctx);
        for (const phase of insights.finished) {
          console.log(
            `  ${phase.type}: ${(phase.ms / 1000).toFixed(1)} s${phase.skipped ? ` (skipped: ${phase.skipped})` : ''}`,
          );
        }
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `Demo shop ready in ${seconds.toFixed(1)} s: ${result.members.toLocaleString('en')} members, ` +
            `${result.items.toLocaleString('en')} items, ${result.events.toLocaleString('en')} events ` +
            `(${result.from.slice(0, 10)} … ${result.to.slice(0, 10)}), ${result.abuseLabels} planted abuse cases (demo_abuse_labels).`,
        );
        console.log(`Events by type: ${JSON.stringify(result.eventsByType)}`);
      });
    });
}
