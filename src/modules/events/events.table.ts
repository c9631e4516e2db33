/** Behaviour events, append-only. Money in minor units; times in epoch ms. */
export interface EventsTable {
  id: string;
  type: string;
  memberId: string;
  itemId: string | null;
  orderId: string | null;
  occurredAt: number;
  receivedAt: number;
  quantity: number | null;
  priceAmount: number | null;
  amount: number | null;
  currency: string | null;
  rating: number | null;
  text: string | null;
  ip: string | null;
  deviceId: string | null;
  userAgent: string | null;
  channel: string | null;
  /** JSON object or null. */
  properties: string | null;
  /** SHA-256 of the canonical event, so a repeated id with other content is told apart from a retry. */
  contentHash: string;
}

/** Progress of a file import, so a crashed import resumes where it stopped. */
export interface ImportRunsTable {
  id: string;
  kind: string;
  fileKey: string;
  linesDone: number;
  rowsOk: number;
  rowsRejected: number;
  /** JSON array of `{ line, errors }`, capped. */
  rejects: string;
  status: string;
  startedAt: number;
  updatedAt: number;
}
