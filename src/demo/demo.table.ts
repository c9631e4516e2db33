/** Ground truth of the abuse patterns the demo shop plants, for evaluating risk models. */
export interface DemoAbuseLabelsTable {
  memberId: string;
  pattern: string;
  /** JSON object describing the planted case (devices, orders …). */
  details: string;
  createdAt: number;
}
