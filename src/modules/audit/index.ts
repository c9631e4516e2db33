// The audit module's public surface; other modules import only from here.
export { countAuditEntries, listAuditEntries, readAuditHead } from './audit.repository.ts';
export { auditRoutes } from './audit.routes.ts';
export { type AuditInput, appendAudit, GENESIS_HASH, hashAuditEntry } from './audit.service.ts';
export type { AuditHeadTable, AuditLogTable } from './audit.table.ts';
export {
  type AuditProblem,
  type AuditProblemKind,
  type AuditVerifyResult,
  type VerifyAuditOptions,
  verifyAuditChain,
} from './audit.verify.ts';
