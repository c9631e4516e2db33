export {
  type BgNbdParams,
  bgnbdConditionalExpectedByIntegral,
  bgnbdConditionalExpectedPurchases,
  bgnbdCustomerLogLikelihood,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  fitBgNbd,
} from './bgnbd.ts';
export { bgnbdProbabilityAtLeast, bgnbdPurchaseTail, negativeBinomialAtLeast } from './bgnbd-count.ts';
export { BGNBD_UPPER_BOUND, fitBgNbdBounded, type GroupedFitOptions } from './bgnbd-grouped.ts';
export { type ClvOptions, customerLifetimeValue } from './clv.ts';
export {
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaCustomerLogLikelihood,
  gammaGammaExpectedAverageSpend,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanSpend,
} from './gamma-gamma.ts';
export { fitGammaGammaFast } from './gamma-gamma-fast.ts';
export {
  fitParetoNbd,
  type ParetoNbdParams,
  paretoConditionalExpectedPurchases,
  paretoCustomerLogLikelihood,
  paretoExpectedPurchases,
  paretoLogLikelihood,
  paretoProbabilityAlive,
} from './pareto-nbd.ts';
export { probabilityOfReachingSpend, type SpendHistory, spendReach } from './spend-reach.ts';
export {
  buildSummary,
  countPurchaseDays,
  filterSummary,
  type PeriodUnit,
  type RfmSummary,
  type Transaction,
} from './summary.ts';
export { parseDate, parseSummaryCsv, parseTransactions } from './summary-csv.ts';
