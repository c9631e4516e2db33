import { z } from 'zod';
import { EVENT_TYPES } from '../events/event-types.ts';
import { type FieldSpec, opsOf, segmentField } from './segments.fields.ts';
import {
  COMPARISON_OPS,
  type Condition,
  type DefinitionIssue,
  FIELD_OPS,
  type FieldOp,
  MAX_DEPTH,
  MAX_LEAVES,
} from './segments.types.ts';

// Structural validation of a definition: every problem with its path, so the dashboard can mark
// each bad node at once. References (segment ids, cluster runs) are checked against the database
// by segments.resolve.ts.

type Path = (string | number)[];

const MAX_LIST = 100;
const MAX_STRING = 200;
const MAX_NUMBER = 1e15;
export const SEGMENT_ID = /^seg_[0-9A-HJKMNP-TV-Z]{26}$/;

const isoTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 date-time with Z or an offset',
});
const text = z.string().min(1).max(MAX_STRING);
const comparisonSchema = z.strictObject({
  op: z.enum(COMPARISON_OPS),
  value: z.number().int('must be an integer').min(0).max(MAX_NUMBER),
});

const eventFilterSchema = z
  .strictObject({
    type: z.enum(EVENT_TYPES),
    category: text.optional(),
    brand: text.optional(),
    itemId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be an item id')
      .optional(),
    withinDays: z.number().int('must be a whole number of days').min(1).max(3650).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.withinDays !== undefined && (e.from !== undefined || e.to !== undefined))
      ctx.addIssue({ code: 'custom', path: ['withinDays'], message: 'use withinDays or from/to, not both' });
    if (e.from && e.to && Date.parse(e.from) >= Date.parse(e.to))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

const eventLeafSchema = z.strictObject({
  event: eventFilterSchema,
  count: comparisonSchema.optional(),
  amount: comparisonSchema.optional(),
});

const clusterLeafSchema = z.strictObject({
  cluster: z.strictObject({
    runId: z.string().regex(/^clu_[0-9A-Z]{26}$/, 'must be a cluster run id clu_…'),
    index: z.number().int().min(0).max(1000),
  }),
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why `value` is not an operand of `spec`, or null when it is. */
function operandProblem(spec: FieldSpec, value: unknown): string | null {
  if (spec.type === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
    if (Math.abs(value) > MAX_NUMBER) return `must be within ±${MAX_NUMBER}`;
    if (spec.integer && !Number.isInteger(value)) return 'must be an integer';
    return null;
  }
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_STRING) return `must be at most ${MAX_STRING} characters`;
  if (spec.values && !spec.values.includes(value)) return `must be one of ${spec.values.join(', ')}`;
  return null;
}

function valueProblems(spec: FieldSpec, op: FieldOp, value: unknown, at: Path): DefinitionIssue[] {
  if (op === 'exists' || op === 'notExists')
    return value === undefined ? [] : [{ path: at, message: `takes no value with ${op}` }];
  if (value === undefined) return [{ path: at, message: `is required for ${op}` }];
  if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST)
      return [{ path: at, message: `must be a list of 1 to ${MAX_LIST} values` }];
    return value.flatMap((item, i) => {
      const problem = operandProblem(spec, item);
      return problem ? [{ path: [...at, i], message: problem }] : [];
    });
  }
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) return [{ path: at, message: 'must be [low, high]' }];
    const out = value.flatMap((item, i) => {
      const problem = operandProblem(spec, item);
      return problem ? [{ path: [...at, i], message: problem }] : [];
    });
    if (out.length === 0 && (value[0] as number) > (value[1] as number))
      out.push({ path: at, message: 'low must not be greater than high' });
    return out;
  }
  const problem = operandProblem(spec, value);
  return problem ? [{ path: at, message: problem }] : [];
}

function fieldLeafProblems(node: Record<string, unknown>, path: Path): DefinitionIssue[] {
  const out: DefinitionIssue[] = Object.keys(node)
    .filter((k) => k !== 'field' && k !== 'op' && k !== 'value')
    .map((k) => ({ path: [...path, k], message: 'unknown key' }));
  const { field, op } = node;
  const spec = typeof field === 'string' ? segmentField(field) : undefined;
  if (!spec) out.push({ path: [...path, 'field'], message: `unknown field ${String(field)}` });
  if (typeof op !== 'string' || !(FIELD_OPS as readonly string[]).includes(op)) {
    out.push({ path: [...path, 'op'], message: `must be one of ${FIELD_OPS.join(', ')}` });
    return out;
  }
  if (!spec) return out;
  if (!opsOf(spec).includes(op as FieldOp)) {
    const allowed = opsOf(spec).join(', ');
    out.push({
      path: [...path, 'op'],
      message: `${op} does not apply to ${spec.field} (${spec.type}); use ${allowed}`,
    });
    return out;
  }
  return [...out, ...valueProblems(spec, op as FieldOp, node.value, [...path, 'value'])];
}

function zodProblems(schema: z.ZodType, node: unknown, path: Path): DefinitionIssue[] {
  const result = schema.safeParse(node);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    path: [...path, ...(issue.path as (string | number)[])],
    message: issue.message,
  }));
}

const KINDS = ['all', 'any', 'not', 'field', 'event', 'segment', 'cluster'] as const;

class Walker {
  readonly issues: DefinitionIssue[] = [];
  leaves = 0;

  walk(node: unknown, path: Path, depth: number): void {
    if (depth > MAX_DEPTH) {
      this.issues.push({ path, message: `definitions nest at most ${MAX_DEPTH} levels deep` });
      return;
    }
    const kind = isObject(node) ? KINDS.find((k) => k in node) : undefined;
    if (!isObject(node) || kind === undefined) {
      this.issues.push({
        path,
        message:
          'must be one of { all }, { any }, { not }, { field, op, value }, { event }, { segment }, { cluster }',
      });
      return;
    }
    if (kind === 'all' || kind === 'any' || kind === 'not') {
      this.group(node, kind, path, depth);
      return;
    }
    this.leaves += 1;
    if (kind === 'field') this.issues.push(...fieldLeafProblems(node, path));
    else if (kind === 'event') this.issues.push(...zodProblems(eventLeafSchema, node, path));
    else if (kind === 'cluster') this.issues.push(...zodProblems(clusterLeafSchema, node, path));
    else this.segmentLeaf(node, path);
  }

  private group(node: Record<string, unknown>, kind: 'all' | 'any' | 'not', path: Path, depth: number): void {
    for (const key of Object.keys(node))
      if (key !== kind) this.issues.push({ path: [...path, key], message: `unexpected beside ${kind}` });
    const children = node[kind];
    if (kind === 'not') {
      this.walk(children, [...path, 'not'], depth + 1);
      return;
    }
    if (!Array.isArray(children) || children.length === 0) {
      this.issues.push({ path: [...path, kind], message: 'must be a list of at least one condition' });
      return;
    }
    children.forEach((child, i) => {
      this.walk(child, [...path, kind, i], depth + 1);
    });
  }

  private segmentLeaf(node: Record<string, unknown>, path: Path): void {
    for (const key of Object.keys(node))
      if (key !== 'segment') this.issues.push({ path: [...path, key], message: 'unknown key' });
    if (typeof node.segment !== 'string' || !SEGMENT_ID.test(node.segment))
      this.issues.push({ path: [...path, 'segment'], message: 'must be a segment id seg_…' });
  }
}

/** Every structural problem of a definition (unknown fields, bad operands, limits), with paths. */
export function definitionIssues(definition: unknown): DefinitionIssue[] {
  const walker = new Walker();
  walker.walk(definition, [], 1);
  if (walker.leaves > MAX_LEAVES)
    walker.issues.unshift({ path: [], message: `holds ${walker.leaves} conditions; at most ${MAX_LEAVES}` });
  return walker.issues;
}

/** The leaves of a (validated) tree, in order. */
export function leavesOf(condition: Condition): Condition[] {
  if ('all' in condition) return condition.all.flatMap(leavesOf);
  if ('any' in condition) return condition.any.flatMap(leavesOf);
  if ('not' in condition) return leavesOf(condition.not);
  return [condition];
}

/** The saved segments a definition names directly. */
export function referencedSegments(condition: Condition): string[] {
  return leavesOf(condition).flatMap((leaf) => ('segment' in leaf ? [leaf.segment] : []));
}
