export { awardEventPoints, reverseOrderPoints } from './points.awards.ts';
export { pointsExpireJob, pointsReleaseJob } from './points.jobs.ts';
export { moveLots, settleDueLots } from './points.maintenance.ts';
export { getPointsSummary, listExpiringPoints, listPointsLedger } from './points.read.ts';
export { pointsRoutes } from './points.routes.ts';
export { adjustPoints, earnPoints, redeemPoints } from './points.service.ts';
export { sumQualifyingPoints, sumRulePoints } from './points.sums.ts';
export type { PointsAccountsTable, PointsLedgerTable, PointsLotsTable } from './points.table.ts';
export { transferPoints } from './points.transfer.ts';
export type {
  AccountDifference,
  AwardLine,
  EventAward,
  LedgerEntryDto,
  OrderRefund,
  PointsSummary,
  TransferResult,
} from './points.types.ts';
export { verifyPointsAccounts } from './points.verify.ts';
