export { pointsRoutes } from './points.routes.ts';
export {
  adjustPoints,
  earnPoints,
  getPointsSummary,
  listPointsLedger,
  redeemPoints,
  verifyPointsAccounts,
} from './points.service.ts';
export type { PointsAccountsTable, PointsLedgerTable, PointsLotsTable } from './points.table.ts';
export type { AccountDifference, LedgerEntryDto, PointsSummary } from './points.types.ts';
