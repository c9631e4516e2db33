/** The programme's settings (one row, id `default`), as JSON with a version for optimistic edits. */
export interface LoyaltyProgrammeTable {
  id: string;
  settings: string;
  version: number;
  updatedBy: string | null;
  updatedAt: number;
}

/** An earning rule; `condition`, `action` and `cap` are JSON. The current version of the rule. */
export interface LoyaltyRulesTable {
  id: string;
  name: string;
  description: string | null;
  /** The event type the rule listens to (order_paid, review, signup, …). */
  trigger: string;
  status: 'active' | 'inactive' | 'archived';
  priority: number;
  stacking: 'stack' | 'exclusive';
  condition: string;
  action: string;
  cap: string | null;
  validFrom: number | null;
  validUntil: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** Every saved version of a rule, whole, as JSON. */
export interface LoyaltyRuleVersionsTable {
  ruleId: string;
  version: number;
  definition: string;
  changedBy: string | null;
  changedAt: number;
}
