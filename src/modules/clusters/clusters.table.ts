/** One k-means run over standardised member features. */
export interface ClusterRunsTable {
  id: string;
  createdAt: number;
  jobId: string | null;
  k: number;
  members: number;
  sampleSize: number;
  /** JSON: [{ name, mean, std }] used to standardise. */
  features: string;
  /** JSON: [{ index, size, centroid, description }]. */
  clusters: string;
  /** JSON: { [k]: mean silhouette on the sample }. */
  silhouettes: string;
}

/** Each member's cluster in a run. */
export interface MemberClustersTable {
  runId: string;
  memberId: string;
  cluster: number;
}
