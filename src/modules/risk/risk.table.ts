/** Every risk decision with what it saw; purged after the retention setting. */
export interface RiskDecisionsTable {
  id: string;
  action: string;
  memberId: string | null;
  orderId: string | null;
  deviceId: string | null;
  ip: string | null;
  decision: string;
  score: number;
  /** JSON array of reasons, largest contribution first. */
  reasons: string;
  /** JSON of the request as checked (addresses arrive hashed). */
  inputs: string;
  /** JSON object feature name → value. */
  features: string;
  scenarioId: string | null;
  scenarioVersion: number | null;
  modelId: string | null;
  label: string | null;
  labelSource: string | null;
  labelledAt: number | null;
  createdAt: number;
}

/** One version of an action's scenario; one version per action is live. */
export interface RiskScenariosTable {
  action: string;
  version: number;
  status: string;
  /** JSON of the scenario definition (risk.types.ts). */
  definition: string;
  note: string | null;
  createdAt: number;
  createdBy: string | null;
  publishedAt: number | null;
  publishedBy: string | null;
}

/** Allow and block list entries. */
export interface RiskListEntriesTable {
  id: string;
  list: string;
  kind: string;
  value: string;
  note: string | null;
  expiresAt: number | null;
  createdAt: number;
  createdBy: string | null;
}

/** A decision sent to review, and what the analysts made of it. */
export interface RiskCasesTable {
  id: string;
  decisionId: string;
  memberId: string | null;
  action: string;
  score: number;
  status: string;
  assignee: string | null;
  resolution: string | null;
  note: string | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  version: number;
}

export interface RiskCaseCommentsTable {
  id: string;
  caseId: string;
  author: string;
  text: string;
  createdAt: number;
}

/** IPv4 ranges (as integers) → ISO country, loaded by an operator. */
export interface RiskIpRangesTable {
  lower: number;
  upper: number;
  country: string;
}
