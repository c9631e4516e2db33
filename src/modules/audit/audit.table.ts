/** The append-only audit log; each entry's hash covers the previous entry's hash. */
export interface AuditLogTable {
  seq: number;
  id: string;
  at: number;
  actorType: string;
  actorId: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** JSON object; never personal data values, only which fields. */
  details: string;
  prevHash: string;
  hash: string;
}

/** One row holding the chain's head, locked by every append so appends never fork the chain. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}
