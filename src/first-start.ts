import type { AppContext } from './context.ts';
import { generateDemoShop, isDatabaseEmpty, runDemoInsights, runDemoLoyalty } from './demo/index.ts';
import { ensureDefaultProgramme } from './modules/loyalty/index.ts';
import { ensureBootstrapApiKey, ensureFirstAdmin } from './modules/operators/bootstrap.ts';
import { rebuildDailyStats } from './modules/stats/index.ts';
import { ensureDefaultTiers } from './modules/tiers/index.ts';

/**
 * What a fresh installation needs before it serves: the first admin, a full-scope API key, the
 * default loyalty programme and, unless MEMBRAIN_DEMO=0, a demo shop with its loyalty history and
 * member insights. Generated secrets are printed once through `print`
 * (stdout, never the log) and are not stored anywhere in clear.
 */
export async function prepareFirstStart(ctx: AppContext, print: (line: string) => void): Promise<void> {
  const secrets: string[] = [];
  const admin = await ensureFirstAdmin(ctx);
  if (admin.created && admin.password)
    secrets.push(`  operator login   ${admin.username} / ${admin.password}`);
  const apiKey = await ensureBootstrapApiKey(ctx);
  if (apiKey) secrets.push(`  API key          ${apiKey}   (all scopes)`);

  // The default programme (1 point per CNY, 7 days pending, 12-month expiry) and tier ladder.
  await ensureDefaultProgramme(ctx);
  await ensureDefaultTiers(ctx);

  if (ctx.config.demo.enabled && (await isDatabaseEmpty(ctx))) {
    const { members, seed } = ctx.config.demo;
    print(`Generating a demo shop (${members} members, seed ${seed}); MEMBRAIN_DEMO=0 turns this off…`);
    const started = Date.now();
    const result = await generateDemoShop(ctx, { members, seed });
    // The generator writes rows directly, past the services that keep the daily aggregates.
    await rebuildDailyStats(ctx);
    await runDemoLoyalty(ctx, { from: result.from, to: result.to });
    // Profiles, value scores, segment sizes, clusters and a recommendation model, so the insight
    // pages are not empty.
    await runDemoInsights(ctx);
    print(
      `Demo shop ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.members} members, ${result.items} items, ${result.events} events`,
    );
  }

  if (secrets.length > 0) {
    print('');
    print('================ Membrain first start — shown only once, store them now ================');
    for (const line of secrets) print(line);
    print('=========================================================================================');
    print('');
  }
}
