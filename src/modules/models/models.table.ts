/** A fitted model of some kind (`value`, later `recommend`, `risk` …); the newest active one serves. */
export interface ModelsTable {
  id: string;
  kind: string;
  /** `active` serves; `retired` was replaced; `failed` did not pass its checks. */
  state: string;
  createdAt: number;
  /** Events up to this time were used. */
  dataThrough: number;
  /** JSON: the fitted parameters and settings. */
  params: string;
  /** JSON: the held-out evaluation. */
  metrics: string;
  /** JSON: a saved model (trees and the like), or null when `params` says all. */
  artifact: string | null;
  jobId: string | null;
}
