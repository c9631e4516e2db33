export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A background job; `params`, `cursor` and `result` are JSON. */
export interface JobsTable {
  id: string;
  type: string;
  status: JobStatus;
  params: string;
  cursor: string | null;
  done: number;
  total: number | null;
  result: string | null;
  error: string | null;
  createdBy: string | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  attempts: number;
  createdAt: number;
  startedAt: number | null;
  updatedAt: number;
  finishedAt: number | null;
}
