/** A saved segment: a JSON condition tree over profiles, scores, tiers, points and events. */
export interface SegmentsTable {
  id: string;
  name: string;
  description: string | null;
  /** JSON condition tree. */
  definition: string;
  version: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  archivedAt: number | null;
  /** Size at the last count. */
  size: number | null;
  countedAt: number | null;
}

/** Each count of a segment, for its size trend. */
export interface SegmentSizesTable {
  segmentId: string;
  countedAt: number;
  size: number;
}
