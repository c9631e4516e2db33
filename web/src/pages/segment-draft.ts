// The segment builder's model: a tree of groups and leaves with stable keys, the values as typed
// (money in major units, ratios in percent), and its conversion to and from the API's definition
// (money in minor units, ratios 0..1), with the path the API gives each node in its errors.
import type { Condition, CountOp, FieldOp, FieldUnit, SegmentField } from '../api/intelligence-types.ts';
import { toMajorText, toMinor } from '../lib/minor-units.ts';

interface Base {
  key: string;
  not: boolean;
}
export interface GroupNode extends Base {
  kind: 'group';
  op: 'all' | 'any';
  children: DraftNode[];
}
export interface FieldNode extends Base {
  kind: 'field';
  field: string;
  op: FieldOp;
  /** As typed; `between` uses value and valueTo, `in`/`notIn` a comma-separated list. */
  value: string;
  valueTo: string;
}
export interface EventNode extends Base {
  kind: 'event';
  type: string;
  category: string;
  brand: string;
  withinDays: string;
  countOp: CountOp;
  countValue: string;
  amountOp: CountOp;
  /** Major units; empty for no amount condition. */
  amountValue: string;
  /** Filter keys the builder does not edit (itemId, from, to), kept as they came. */
  extra: Record<string, unknown>;
}
export interface SegmentNode extends Base {
  kind: 'segment';
  segmentId: string;
}
export interface ClusterNode extends Base {
  kind: 'cluster';
  runId: string;
  index: number;
}
export type LeafNode = FieldNode | EventNode | SegmentNode | ClusterNode;
export type DraftNode = GroupNode | LeafNode;

export const NUMBER_OPS: readonly FieldOp[] = [
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
];
export const STRING_OPS: readonly FieldOp[] = ['eq', 'ne', 'in', 'notIn', 'exists', 'notExists'];
export const COUNT_OPS: readonly CountOp[] = ['gte', 'gt', 'eq', 'lt', 'lte'];
/** The API's nesting limit (every group and every `not` is a level). */
export const MAX_DEPTH = 8;

let counter = 0;
const nextKey = () => `n${++counter}`;

export function opsOf(field: SegmentField | undefined): readonly FieldOp[] {
  if (field?.ops) return field.ops;
  return field?.type === 'number' ? NUMBER_OPS : STRING_OPS;
}

export function emptyGroup(op: 'all' | 'any' = 'all'): GroupNode {
  return { kind: 'group', key: nextKey(), not: false, op, children: [] };
}

export function newFieldLeaf(field: SegmentField | undefined): FieldNode {
  const op: FieldOp = field?.type === 'number' ? 'gte' : 'eq';
  return { kind: 'field', key: nextKey(), not: false, field: field?.field ?? '', op, value: '', valueTo: '' };
}

export function newEventLeaf(): EventNode {
  return {
    kind: 'event',
    key: nextKey(),
    not: false,
    type: 'order_paid',
    category: '',
    brand: '',
    withinDays: '',
    countOp: 'gte',
    countValue: '1',
    amountOp: 'gte',
    amountValue: '',
    extra: {},
  };
}

export function newSegmentLeaf(): SegmentNode {
  return { kind: 'segment', key: nextKey(), not: false, segmentId: '' };
}

/** The tree with the node `key` replaced by `update(node)` (null removes it). */
export function updateNode(
  root: GroupNode,
  key: string,
  update: (node: DraftNode) => DraftNode | null,
): GroupNode {
  const walk = (node: DraftNode): DraftNode | null => {
    if (node.key === key) return update(node);
    if (node.kind !== 'group') return node;
    const children = node.children.map(walk).filter((n): n is DraftNode => n !== null);
    return { ...node, children };
  };
  return (walk(root) as GroupNode | null) ?? emptyGroup();
}

// --- values ----------------------------------------------------------------------------------------

/** What the builder needs to convert values: the catalogue and the programme's currency. */
export interface DraftContext {
  fields: ReadonlyMap<string, SegmentField>;
  currency: string;
}

export type LocalError = 'err.number' | 'err.integer' | 'err.required' | 'err.segment';

/** One typed operand as the API wants it, or the reason it is not one. */
function operand(
  text: string,
  unit: FieldUnit | undefined,
  type: SegmentField['type'] | undefined,
  ctx: DraftContext,
) {
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'err.required' as LocalError };
  if (type !== 'number') return { value: trimmed };
  const number = Number(trimmed.replace(/,/g, ''));
  if (!Number.isFinite(number)) return { error: 'err.number' as LocalError };
  if (unit === 'money') return { value: toMinor(trimmed, ctx.currency) ?? number };
  if (unit === 'ratio') return { value: number / 100 };
  return { value: number };
}

function operandText(value: unknown, unit: FieldUnit | undefined, ctx: DraftContext): string {
  if (typeof value !== 'number') return value === undefined || value === null ? '' : String(value);
  if (unit === 'money') return toMajorText(value, ctx.currency);
  if (unit === 'ratio') return String(Math.round(value * 100 * 1e6) / 1e6);
  return String(value);
}

function fieldValue(node: FieldNode, ctx: DraftContext): { value?: unknown; error?: LocalError } {
  if (node.op === 'exists' || node.op === 'notExists') return {};
  const spec = ctx.fields.get(node.field);
  const one = (text: string) => operand(text, spec?.unit, spec?.type, ctx);
  if (node.op === 'between') {
    const [low, high] = [one(node.value), one(node.valueTo)];
    if (low.error || high.error) return { error: low.error ?? high.error };
    return { value: [low.value, high.value] };
  }
  if (node.op === 'in' || node.op === 'notIn') {
    const parts = node.value
      .split(',')
      .filter((p) => p.trim() !== '')
      .map(one);
    if (parts.length === 0) return { error: 'err.required' };
    const bad = parts.find((p) => p.error);
    return bad ? { error: bad.error } : { value: parts.map((p) => p.value) };
  }
  return one(node.value);
}

function wholeNumber(text: string): number | LocalError {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) return 'err.number';
  return Number.isInteger(n) ? n : 'err.integer';
}

// --- draft → definition -----------------------------------------------------------------------

export interface Compiled {
  definition: Condition;
  /** Local problems by node key (the API is not asked while there are any). */
  errors: Map<string, LocalError>;
}

function eventCondition(node: EventNode, ctx: DraftContext, errors: Map<string, LocalError>): Condition {
  const event: Record<string, unknown> = { ...node.extra, type: node.type };
  if (node.category.trim()) event.category = node.category.trim();
  if (node.brand.trim()) event.brand = node.brand.trim();
  if (node.withinDays.trim()) {
    const days = wholeNumber(node.withinDays);
    if (typeof days === 'number') event.withinDays = days;
    else errors.set(node.key, days);
  }
  const condition: Record<string, unknown> = { event };
  const count = wholeNumber(node.countValue);
  if (typeof count === 'number') condition.count = { op: node.countOp, value: count };
  else errors.set(node.key, count);
  if (node.amountValue.trim()) {
    const amount = toMinor(node.amountValue, ctx.currency);
    if (amount === null) errors.set(node.key, 'err.number');
    else condition.amount = { op: node.amountOp, value: amount };
  }
  return condition as Condition;
}

function leafCondition(node: LeafNode, ctx: DraftContext, errors: Map<string, LocalError>): Condition {
  switch (node.kind) {
    case 'field': {
      const { value, error } = fieldValue(node, ctx);
      if (error) errors.set(node.key, error);
      return value === undefined
        ? { field: node.field, op: node.op }
        : { field: node.field, op: node.op, value };
    }
    case 'event':
      return eventCondition(node, ctx, errors);
    case 'segment':
      if (!node.segmentId) errors.set(node.key, 'err.segment');
      return { segment: node.segmentId };
    case 'cluster':
      return { cluster: { runId: node.runId, index: node.index } };
  }
}

function toCondition(node: DraftNode, ctx: DraftContext, errors: Map<string, LocalError>): Condition {
  const inner: Condition =
    node.kind === 'group'
      ? node.op === 'all'
        ? { all: node.children.map((c) => toCondition(c, ctx, errors)) }
        : { any: node.children.map((c) => toCondition(c, ctx, errors)) }
      : leafCondition(node, ctx, errors);
  return node.not ? { not: inner } : inner;
}

/** The definition Save and the live count send, and the problems found before asking. */
export function compileDraft(root: GroupNode, ctx: DraftContext): Compiled {
  const errors = new Map<string, LocalError>();
  return { definition: toCondition(root, ctx, errors), errors };
}

// --- definition → draft -----------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function comparison(value: unknown): { op: CountOp; value: number } | null {
  return isRecord(value) && typeof value.op === 'string' && typeof value.value === 'number'
    ? { op: value.op as CountOp, value: value.value }
    : null;
}

function eventNode(leaf: Record<string, unknown>, ctx: DraftContext): EventNode {
  const { type, category, brand, withinDays, ...extra } = isRecord(leaf.event) ? leaf.event : {};
  const count = comparison(leaf.count);
  const amount = comparison(leaf.amount);
  return {
    ...newEventLeaf(),
    type: String(type ?? 'order_paid'),
    category: typeof category === 'string' ? category : '',
    brand: typeof brand === 'string' ? brand : '',
    withinDays: typeof withinDays === 'number' ? String(withinDays) : '',
    countOp: count?.op ?? 'gte',
    countValue: String(count?.value ?? 1),
    amountOp: amount?.op ?? 'gte',
    amountValue: amount ? toMajorText(amount.value, ctx.currency) : '',
    extra,
  };
}

function fieldNode(leaf: Record<string, unknown>, ctx: DraftContext): FieldNode {
  const field = String(leaf.field);
  const unit = ctx.fields.get(field)?.unit;
  const op = String(leaf.op ?? 'eq') as FieldOp;
  const node: FieldNode = { ...newFieldLeaf(undefined), field, op };
  const value = leaf.value;
  if (Array.isArray(value) && op === 'between') {
    node.value = operandText(value[0], unit, ctx);
    node.valueTo = operandText(value[1], unit, ctx);
  } else if (Array.isArray(value)) node.value = value.map((v) => operandText(v, unit, ctx)).join(', ');
  else node.value = operandText(value, unit, ctx);
  return node;
}

function fromNode(value: unknown, ctx: DraftContext): DraftNode {
  if (!isRecord(value)) throw new Error('each condition must be an object');
  if ('not' in value) {
    const inner = fromNode(value.not, ctx);
    // A double negation keeps its second `not` in a one-condition group.
    if (inner.not) return { ...emptyGroup('all'), not: true, children: [inner] };
    return { ...inner, not: true };
  }
  if ('all' in value || 'any' in value) {
    const op = 'all' in value ? 'all' : 'any';
    const children = value[op];
    if (!Array.isArray(children)) throw new Error(`${op} must be a list`);
    return { ...emptyGroup(op), children: children.map((c) => fromNode(c, ctx)) };
  }
  if ('field' in value) return fieldNode(value, ctx);
  if ('event' in value) return eventNode(value, ctx);
  if ('segment' in value) return { ...newSegmentLeaf(), segmentId: String(value.segment) };
  if ('cluster' in value && isRecord(value.cluster))
    return {
      kind: 'cluster',
      key: nextKey(),
      not: false,
      runId: String(value.cluster.runId),
      index: Number(value.cluster.index),
    };
  throw new Error('unknown condition');
}

/** The draft of a definition; the root is always a group (a lone leaf goes into "all of these"). */
export function draftFromDefinition(definition: unknown, ctx: DraftContext): GroupNode {
  const node = fromNode(definition, ctx);
  return node.kind === 'group' ? node : { ...emptyGroup('all'), children: [node] };
}

// --- paths ----------------------------------------------------------------------------------------

/**
 * Each node's path as the API names it in its errors (`all.1.not.any.0`), the root being ''.
 * A negated node's own content sits one level further, under `not`.
 */
export function nodePaths(root: GroupNode): Map<string, string> {
  const paths = new Map<string, string>();
  const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
  const walk = (node: DraftNode, path: string) => {
    paths.set(node.key, path);
    const inner = node.not ? join(path, 'not') : path;
    if (node.kind !== 'group') return;
    node.children.forEach((c, i) => {
      walk(c, join(inner, `${node.op}.${i}`));
    });
  };
  walk(root, '');
  return paths;
}

/**
 * The API's messages by node key: each detail path (with or without a leading `definition`) goes
 * to the deepest node whose path it starts with. Paths outside the definition come back in `other`.
 */
export function serverErrorsByNode(
  root: GroupNode,
  details: readonly { path?: string; message?: string }[],
): { byNode: Map<string, string>; other: { path: string; message: string }[] } {
  const paths = [...nodePaths(root)].sort((a, b) => b[1].length - a[1].length);
  const byNode = new Map<string, string>();
  const other: { path: string; message: string }[] = [];
  for (const detail of details) {
    const raw = detail.path ?? '';
    const message = detail.message ?? '';
    if (raw !== 'definition' && !raw.startsWith('definition.') && /^(name|description|version)\b/.test(raw)) {
      other.push({ path: raw, message });
      continue;
    }
    const path = raw === 'definition' ? '' : raw.replace(/^definition\./, '');
    const found = paths.find(([, p]) => p === '' || path === p || path.startsWith(`${p}.`));
    const key = found?.[0] ?? root.key;
    const previous = byNode.get(key);
    byNode.set(key, previous ? `${previous}; ${message}` : message);
  }
  return { byNode, other };
}
