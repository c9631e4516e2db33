// The risk review API's shapes as the dashboard reads them (docs/risk.md, "Review queue").

export type CaseStatus = 'open' | 'resolved';
export type CaseLabel = 'fraud' | 'legit';

/** One row of `GET /v1/risk/cases`. */
export interface RiskCaseSummary {
  id: string;
  decisionId: string;
  memberId: string | null;
  action: string;
  score: number;
  status: CaseStatus;
  /** The operator id the case is assigned to. */
  assignee: string | null;
  resolution: CaseLabel | null;
  createdAt: string;
  updatedAt: string;
  /** Sent back with every change: a change made since is 409 RISK_CASE_CONFLICT. */
  version: number;
}

export interface RiskReason {
  code: string;
  description: string;
  descriptionZh?: string;
  contribution: number;
}

export interface RiskComment {
  id: string;
  /** The operator id of the author. */
  author: string;
  text: string;
  createdAt: string;
}

/** `GET /v1/risk/cases/{id}` and the reply of every change. */
export interface RiskCaseDetail extends RiskCaseSummary {
  note: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  decision: {
    decision: string;
    reasons: RiskReason[];
    features: Record<string, unknown>;
    /** The request as checked (the shipping address only as its hash). */
    inputs: Record<string, unknown>;
    scenarioVersion: number | null;
    createdAt: string;
  };
  comments: RiskComment[];
}

export interface LinkNode {
  /** A member id, or a hub id such as `device:d-1` or `ip:10.0.0.1`. */
  id: string;
  kind: 'member' | 'device' | 'ip';
  fraud?: boolean;
}

export interface LinkEdge {
  member: string;
  hub: string;
  checks: number;
}

/** `GET /v1/risk/members/{id}/links`: one hop through the member's devices and IPs. */
export interface LinkGraph {
  memberId: string;
  nodes: LinkNode[];
  edges: LinkEdge[];
  truncated: boolean;
}

/** `GET /v1/risk/features`: feature name → its meaning (in English). */
export type FeatureCatalogue = Record<string, string>;
