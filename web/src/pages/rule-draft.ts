// A rule being edited: the form's text as typed, a condition tree with stable keys for React,
// and the conversion to the API's JSON (with the path of every condition node, so the server's
// validation details land at the node they name).
import {
  CONDITION_FIELDS,
  type FieldSpec,
  fieldSpec,
  OPS_BY_TYPE,
  type Op,
  PREFIX_FIELDS,
} from '../../../src/modules/loyalty/loyalty.fields.ts';
import {
  ACTION_TYPES,
  type ActionType,
  CAP_PERIODS,
  type CapPeriod,
  type ConditionJson,
  RULE_STATUSES,
  type RuleDto,
  type RuleInput,
  type RuleStatus,
  STACKING,
  type Stacking,
} from '../api/rules-types.ts';
import { isoToLocalInput, localInputToIso, numberOrText, toMajorText, toMinor } from '../lib/minor-units.ts';

export type { FieldSpec, Op };
export { CONDITION_FIELDS, fieldSpec, OPS_BY_TYPE, PREFIX_FIELDS };

/**
 * Fields the catalogue keeps in minor units ("12999 is 129.99 CNY"): the editor shows and takes
 * them in the programme's currency.
 */
export const MONEY_FIELDS: ReadonlySet<string> = new Set(['event.amount', 'item.price']);

export type GroupOp = 'all' | 'any';
/** How a value of a store-defined (JSON) field is typed in: "42" the text or 42 the number. */
export type JsonKind = 'text' | 'number' | 'boolean';

interface NodeBase {
  key: string;
  /** Wrapped in `{ not: … }`. */
  not: boolean;
}

export interface GroupNode extends NodeBase {
  kind: 'group';
  op: GroupOp;
  children: ConditionNode[];
}

export interface LeafNode extends NodeBase {
  kind: 'leaf';
  field: string;
  op: Op;
  /** The value as typed; a comma-separated list for in / nin; the low end for between. */
  value: string;
  /** The high end for between. */
  high: string;
  jsonKind: JsonKind;
}

export type ConditionNode = GroupNode | LeafNode;

export interface RuleDraft {
  name: string;
  description: string;
  trigger: string;
  status: RuleStatus;
  priority: string;
  stacking: Stacking;
  condition: GroupNode;
  action: { type: ActionType; points: string; per: string; factor: string };
  cap: { on: boolean; points: string; period: CapPeriod };
  /** `datetime-local` values in the browser's zone; '' = open. */
  validFrom: string;
  validUntil: string;
  /** Null: the API's default for the action (per amount counts toward tiers, bonuses do not). */
  qualifying: boolean | null;
}

let lastKey = 0;
export function newKey(): string {
  lastKey += 1;
  return `n${lastKey}`;
}

export function emptyGroup(op: GroupOp = 'all'): GroupNode {
  return { key: newKey(), not: false, kind: 'group', op, children: [] };
}

/** The catalogue entry of a prefix field (`event.properties.campaign` → `event.properties.`). */
export function prefixOf(field: string): string | null {
  if (CONDITION_FIELDS[field]) return null;
  return Object.keys(PREFIX_FIELDS).find((prefix) => field.startsWith(prefix)) ?? null;
}

/** A first condition that makes sense for the rule's trigger. */
export function newLeaf(trigger: string): LeafNode {
  const [field, op]: [string, Op] =
    trigger === 'order_paid'
      ? ['event.amount', 'gte']
      : trigger === 'review'
        ? ['event.rating', 'gte']
        : ['date.dayOfWeek', 'in'];
  return { key: newKey(), not: false, kind: 'leaf', field, op, value: '', high: '', jsonKind: 'text' };
}

/** A leaf moved to another field: the operator stays when it applies, the value starts over. */
export function withField(leaf: LeafNode, field: string): LeafNode {
  const spec = fieldSpec(field) ?? PREFIX_FIELDS[prefixOf(field) ?? ''];
  const ops = spec ? OPS_BY_TYPE[spec.type] : [];
  const op = ops.includes(leaf.op) ? leaf.op : (ops[0] ?? leaf.op);
  const sameKind = spec && fieldSpec(leaf.field)?.type === spec.type && !spec.values;
  return { ...leaf, field, op, ...(sameKind ? {} : { value: '', high: '' }) };
}

// --- from the API's JSON -----------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown, field: string, currency: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && MONEY_FIELDS.has(field)) return toMajorText(value, currency);
  return typeof value === 'string' ? value : String(value);
}

function jsonKindOf(value: unknown): JsonKind {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'number' ? 'number' : typeof first === 'boolean' ? 'boolean' : 'text';
}

function leafFrom(node: Record<string, unknown>, currency: string): LeafNode {
  const field = typeof node.field === 'string' ? node.field : '';
  const op = (typeof node.op === 'string' ? node.op : 'eq') as Op;
  const value = node.value;
  const leaf: LeafNode = {
    key: newKey(),
    not: false,
    kind: 'leaf',
    field,
    op,
    value: '',
    high: '',
    jsonKind: jsonKindOf(value),
  };
  if (op === 'exists') return { ...leaf, value: value === false ? 'false' : 'true' };
  if (op === 'between' && Array.isArray(value))
    return { ...leaf, value: shown(value[0], field, currency), high: shown(value[1], field, currency) };
  if ((op === 'in' || op === 'nin') && Array.isArray(value))
    return { ...leaf, value: value.map((v) => shown(v, field, currency)).join(', ') };
  return { ...leaf, value: shown(value, field, currency) };
}

function nodeFrom(json: unknown, currency: string): ConditionNode {
  if (isRecord(json) && 'not' in json) {
    const inner = nodeFrom(json.not, currency);
    return { ...inner, not: !inner.not };
  }
  for (const op of ['all', 'any'] as const) {
    if (isRecord(json) && Array.isArray(json[op]))
      return {
        key: newKey(),
        not: false,
        kind: 'group',
        op,
        children: (json[op] as unknown[]).map((child) => nodeFrom(child, currency)),
      };
  }
  return leafFrom(isRecord(json) ? json : {}, currency);
}

/** The tree of a stored condition; the root is always a group (a lone leaf gets an "all" around it). */
export function conditionFrom(json: unknown, currency: string): GroupNode {
  const node = nodeFrom(json ?? { all: [] }, currency);
  if (node.kind === 'group') return node;
  return { ...emptyGroup('all'), children: [node] };
}

export function newDraft(trigger = 'order_paid'): RuleDraft {
  return {
    name: '',
    description: '',
    trigger,
    status: 'active',
    priority: '100',
    stacking: 'stack',
    condition: emptyGroup('all'),
    action: { type: 'fixed', points: '10', per: '1', factor: '2' },
    cap: { on: false, points: '', period: 'month' },
    validFrom: '',
    validUntil: '',
    qualifying: null,
  };
}

const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/**
 * A draft from a rule's JSON: a stored rule, a version, or what the operator typed in the JSON
 * view (anything missing takes the new-rule default; keys the form does not know are dropped).
 */
export function draftFromJson(json: Record<string, unknown> | RuleDto, currency: string): RuleDraft {
  const base = newDraft();
  const rule = json as Record<string, unknown>;
  const action = isRecord(rule.action) ? rule.action : {};
  const cap = isRecord(rule.cap) ? rule.cap : null;
  return {
    name: text(rule.name),
    description: text(rule.description),
    trigger: text(rule.trigger, base.trigger),
    status: oneOf(rule.status, RULE_STATUSES, base.status),
    priority: text(rule.priority, base.priority),
    stacking: oneOf(rule.stacking, STACKING, base.stacking),
    condition: conditionFrom(rule.condition, currency),
    action: {
      type: oneOf(action.type, ACTION_TYPES, base.action.type),
      points: text(action.points, base.action.points),
      per: text(action.per, base.action.per),
      factor: text(action.factor, base.action.factor),
    },
    cap: cap
      ? { on: true, points: text(cap.points), period: oneOf(cap.period, CAP_PERIODS, base.cap.period) }
      : base.cap,
    validFrom: isoToLocalInput(text(rule.validFrom) || null),
    validUntil: isoToLocalInput(text(rule.validUntil) || null),
    qualifying: typeof rule.qualifying === 'boolean' ? rule.qualifying : null,
  };
}

/** Whether a rule with this action counts toward tiers unless it says (the API's default). */
export function defaultQualifying(type: ActionType): boolean {
  return type === 'per_amount';
}

// --- to the API's JSON -------------------------------------------------------------------------

function operand(text: string, leaf: LeafNode, spec: FieldSpec | undefined, currency: string): unknown {
  const trimmed = text.trim();
  if (!spec) return trimmed;
  if (spec.type === 'number' && MONEY_FIELDS.has(leaf.field)) return toMinor(trimmed, currency) ?? trimmed;
  if (spec.type === 'number') return numberOrText(trimmed);
  if (spec.type === 'boolean') return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
  if (spec.type === 'json' && leaf.jsonKind === 'number') return numberOrText(trimmed);
  if (spec.type === 'json' && leaf.jsonKind === 'boolean') return trimmed === 'true';
  return trimmed;
}

/** The items of a comma-separated list (a Chinese comma counts too). */
export function listItems(text: string): string[] {
  return text
    .split(/[,，]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function leafJson(leaf: LeafNode, currency: string): ConditionJson {
  const spec = fieldSpec(leaf.field);
  const base = { field: leaf.field, op: leaf.op };
  switch (leaf.op) {
    case 'exists':
      return { ...base, value: leaf.value !== 'false' };
    case 'in':
    case 'nin':
      return { ...base, value: listItems(leaf.value).map((item) => operand(item, leaf, spec, currency)) };
    case 'between':
      return {
        ...base,
        value: [operand(leaf.value, leaf, spec, currency), operand(leaf.high, leaf, spec, currency)],
      };
    default:
      return leaf.value.trim() === '' ? base : { ...base, value: operand(leaf.value, leaf, spec, currency) };
  }
}

/** Condition node key → the paths the API names it by (`condition.all.1`, and `….not` inside a not). */
export type NodePaths = Map<string, string[]>;

function nodeJson(node: ConditionNode, path: string, currency: string, paths: NodePaths): ConditionJson {
  const inner = node.not ? `${path}.not` : path;
  paths.set(node.key, node.not ? [path, inner] : [path]);
  const json: ConditionJson =
    node.kind === 'leaf'
      ? leafJson(node, currency)
      : node.op === 'all'
        ? { all: node.children.map((c, i) => nodeJson(c, `${inner}.all.${i}`, currency, paths)) }
        : { any: node.children.map((c, i) => nodeJson(c, `${inner}.any.${i}`, currency, paths)) };
  return node.not ? { not: json } : json;
}

export function conditionJson(
  root: GroupNode,
  currency: string,
  paths: NodePaths = new Map(),
): ConditionJson {
  return nodeJson(root, 'condition', currency, paths);
}

/** The body of POST / PUT (without `version`) and the condition paths of its nodes. */
export function ruleInput(draft: RuleDraft, currency: string): { input: RuleInput; paths: NodePaths } {
  const paths: NodePaths = new Map();
  const { action } = draft;
  const actionJson =
    action.type === 'per_amount'
      ? { type: action.type, points: numberOrText(action.points), per: numberOrText(action.per) }
      : action.type === 'fixed'
        ? { type: action.type, points: numberOrText(action.points) }
        : action.type === 'multiplier'
          ? { type: action.type, factor: numberOrText(action.factor) }
          : { type: action.type };
  const input: RuleInput = {
    name: draft.name.trim(),
    description: draft.description.trim() === '' ? null : draft.description.trim(),
    trigger: draft.trigger,
    status: draft.status,
    priority: numberOrText(draft.priority),
    stacking: draft.stacking,
    condition: conditionJson(draft.condition, currency, paths),
    action: actionJson,
    cap: draft.cap.on ? { points: numberOrText(draft.cap.points), period: draft.cap.period } : null,
    validFrom: localInputToIso(draft.validFrom),
    validUntil: localInputToIso(draft.validUntil),
    ...(draft.qualifying === null ? {} : { qualifying: draft.qualifying }),
  };
  return { input, paths };
}

// --- the server's validation details at their nodes --------------------------------------------

export type LeafSpot = 'field' | 'op' | 'value';

/** Messages for one node: at the leaf's field, operator or value, or for the node as a whole. */
export type NodeErrors = Partial<Record<LeafSpot | 'node', string>>;

/**
 * Spreads the `condition…` details over the nodes they name (the longest matching path wins);
 * details under a leaf's `value` (`value.1`, a list item) go to its value.
 */
export function nodeErrorsOf(
  errors: ReadonlyMap<string, string>,
  paths: NodePaths,
  root: GroupNode,
): Map<string, NodeErrors> {
  const byNode = new Map<string, NodeErrors>();
  const leaves = new Set<string>();
  const collect = (node: ConditionNode) => {
    if (node.kind === 'leaf') leaves.add(node.key);
    else node.children.forEach(collect);
  };
  collect(root);
  for (const [path, message] of errors) {
    if (path !== 'condition' && !path.startsWith('condition.')) continue;
    let best: { key: string; at: string } | null = null;
    for (const [key, candidates] of paths)
      for (const at of candidates)
        if ((path === at || path.startsWith(`${at}.`)) && (!best || at.length > best.at.length))
          best = { key, at };
    const key = best?.key ?? root.key;
    const rest = best ? path.slice(best.at.length + 1) : '';
    const first = rest.split('.')[0] ?? '';
    const spot: LeafSpot | 'node' =
      leaves.has(key) && (first === 'field' || first === 'op' || first === 'value') ? first : 'node';
    const entry = byNode.get(key) ?? {};
    entry[spot] = entry[spot] ? `${entry[spot]}; ${message}` : message;
    byNode.set(key, entry);
  }
  return byNode;
}

// --- edits of the tree -------------------------------------------------------------------------

/** The tree with the node `key` replaced by `change(node)` (or removed when it returns null). */
export function updateNode(
  root: GroupNode,
  key: string,
  change: (node: ConditionNode) => ConditionNode | null,
): GroupNode {
  const visit = (node: ConditionNode): ConditionNode | null => {
    if (node.key === key) return change(node);
    if (node.kind === 'leaf') return node;
    const children = node.children.map(visit).filter((c): c is ConditionNode => c !== null);
    return { ...node, children };
  };
  return (visit(root) as GroupNode | null) ?? root;
}
