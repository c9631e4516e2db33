// The demo shop generator's public surface (the CLI, the server's first start and benchmarks use it).
export { ABUSE_RATES, type AbusePattern } from './abuse.ts';
export type { DemoAbuseLabelsTable } from './demo.table.ts';
export { runDemoInsights } from './demo-insights.ts';
export { type DemoLoyaltyResult, runDemoLoyalty } from './demo-loyalty.ts';
export { type DemoRecommendationsResult, runDemoRecommendations } from './demo-recommendations.ts';
export {
  type DemoProgress,
  type DemoShopResult,
  type GenerateDemoShopOptions,
  generateDemoShop,
  isDatabaseEmpty,
} from './generate.ts';
export { NEGATIVE_MARKERS, POSITIVE_MARKERS } from './reviews.ts';
