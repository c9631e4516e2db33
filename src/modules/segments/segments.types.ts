import { z } from 'zod';
import type { EventType } from '../events/event-types.ts';

// The segment definition language: a JSON condition tree over member fields, behaviour events,
// other saved segments and clusters. Validation lives in segments.validate.ts; this file holds
// the shapes and the route schemas.

export const FIELD_OPS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'in',
  'notIn',
  'exists',
  'notExists',
] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

export const COMPARISON_OPS = ['gte', 'lte', 'eq', 'gt', 'lt'] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export interface FieldLeaf {
  field: string;
  op: FieldOp;
  value?: unknown;
}

export interface EventFilter {
  type: EventType;
  /** Any level of the item's current category path (`手机数码` or `手机` in `手机数码 > 手机`). */
  category?: string;
  brand?: string;
  itemId?: string;
  withinDays?: number;
  from?: string;
  to?: string;
}

export interface Comparison {
  op: ComparisonOp;
  value: number;
}

export interface EventLeaf {
  event: EventFilter;
  count?: Comparison;
  amount?: Comparison;
}

export interface SegmentLeaf {
  segment: string;
}

export interface ClusterLeaf {
  cluster: { runId: string; index: number };
}

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | FieldLeaf
  | EventLeaf
  | SegmentLeaf
  | ClusterLeaf;

export const MAX_DEPTH = 8;
export const MAX_LEAVES = 100;
/** With referenced segments inlined; keeps one definition from compiling into a huge query. */
export const MAX_EXPANDED_LEAVES = 1000;

/** One problem of a definition, with its path inside the definition. */
export interface DefinitionIssue {
  path: (string | number)[];
  message: string;
}

const definitionSchema = z.unknown().meta({
  description:
    'A condition tree: { all } | { any } | { not } | { field, op, value } | { event, count?, amount? } | { segment } | { cluster }; see docs/segments.md',
});

export const segmentIdParams = z.object({ id: z.string().min(1).max(64) });

export const segmentInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).nullable().optional(),
  definition: definitionSchema,
});
export type SegmentInput = { name: string; description?: string | null; definition: unknown };

export const segmentUpdateSchema = segmentInputSchema.extend({
  version: z.number().int().min(1).describe('The version this change replaces; 409 when it is stale'),
});
export type SegmentUpdate = SegmentInput & { version: number };

export const previewInputSchema = z.strictObject({ definition: definitionSchema });

export const segmentDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  definition: z.unknown(),
  version: z.number().int(),
  size: z.number().int().nullable(),
  countedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string().nullable(),
});
export type SegmentDto = z.infer<typeof segmentDtoSchema>;

export const segmentSummarySchema = segmentDtoSchema.omit({ definition: true });
export type SegmentSummary = z.infer<typeof segmentSummarySchema>;

export const fieldDtoSchema = z.object({
  field: z.string(),
  type: z.enum(['number', 'string', 'enum']),
  label: z.object({ en: z.string(), zh: z.string() }),
  unit: z.enum(['days', 'money', 'points', 'ratio', 'count']).optional(),
  values: z.array(z.union([z.string(), z.number()])).optional(),
  ops: z.array(z.enum(FIELD_OPS)),
});

export const previewDtoSchema = z.object({
  size: z.number().int(),
  sample: z.array(z.string()).describe('Up to 20 member ids, lowest first'),
});

export const memberPageSchema = z.object({
  data: z.array(z.object({ memberId: z.string() })),
  nextCursor: z.string().nullable(),
});

export const sizesDtoSchema = z.object({
  data: z.array(z.object({ countedAt: z.string(), size: z.number().int() })),
});

export const memberSegmentsSchema = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string() })),
});
