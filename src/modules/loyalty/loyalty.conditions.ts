import { z } from 'zod';
import { type FieldNeed, type FieldSpec, fieldSpec, OPS, OPS_BY_TYPE, type Op } from './loyalty.fields.ts';

// Conditions are data, not code: a JSON tree an operator edits in the dashboard, validated
// here with a message per bad path, and evaluated with a trace that says why it matched.

export interface ConditionLeaf {
  field: string;
  op: Op;
  value?: unknown;
}

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | ConditionLeaf;

/** The condition that always holds (a rule with no condition). */
export const ALWAYS: Condition = { all: [] };

export const MAX_CONDITION_DEPTH = 8;
export const MAX_CONDITION_NODES = 100;
const MAX_LIST = 100;
const MAX_STRING = 200;

export interface ConditionIssue {
  path: (string | number)[];
  message: string;
}

type Path = (string | number)[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** Why `value` is not a valid operand of a field of `spec`, or null when it is. */
function scalarProblem(spec: FieldSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (value.length > MAX_STRING) return `must be at most ${MAX_STRING} characters`;
      if (spec.values && !spec.values.includes(value)) return `must be one of ${spec.values.join(', ')}`;
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (spec.integer && !Number.isInteger(value)) return 'must be an integer';
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'date':
      return isDate(value) ? null : 'must be a date YYYY-MM-DD';
    case 'json':
      if (typeof value === 'string') return value.length > MAX_STRING ? 'is too long' : null;
      return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
        ? null
        : 'must be a string, number or boolean';
  }
}

/** Ordered comparisons on json fields need a number or a string. */
function orderedProblem(spec: FieldSpec, value: unknown): string | null {
  if (spec.type === 'json' && typeof value === 'boolean') return 'must be a number or a string';
  return scalarProblem(spec, value);
}

function listProblems(spec: FieldSpec, value: unknown, path: Path, out: ConditionIssue[]): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) {
    out.push({ path, message: `must be a list of 1 to ${MAX_LIST} values` });
    return;
  }
  value.forEach((item, i) => {
    const problem = scalarProblem(spec, item);
    if (problem) out.push({ path: [...path, i], message: problem });
  });
}

function betweenProblems(spec: FieldSpec, value: unknown, path: Path, out: ConditionIssue[]): void {
  if (!Array.isArray(value) || value.length !== 2) {
    out.push({ path, message: 'must be [low, high]' });
    return;
  }
  const [low, high] = value as [unknown, unknown];
  const problems = [orderedProblem(spec, low), orderedProblem(spec, high)];
  problems.forEach((problem, i) => {
    if (problem) out.push({ path: [...path, i], message: problem });
  });
  if (problems.some(Boolean)) return;
  if (typeof low !== typeof high) out.push({ path, message: 'low and high must have the same type' });
  else if ((low as number | string) > (high as number | string))
    out.push({ path, message: 'low must not be greater than high' });
}

function valueProblems(spec: FieldSpec, op: Op, node: Record<string, unknown>, path: Path): ConditionIssue[] {
  const out: ConditionIssue[] = [];
  const value = node.value;
  const at = [...path, 'value'];
  if (op === 'exists') {
    if (value !== undefined && typeof value !== 'boolean')
      out.push({ path: at, message: 'must be true or false (or left out, meaning true)' });
    return out;
  }
  if (value === undefined) return [{ path: at, message: `is required for ${op}` }];
  if (op === 'in' || op === 'nin') listProblems(spec, value, at, out);
  else if (op === 'between') betweenProblems(spec, value, at, out);
  else if (op === 'contains') {
    const problem = spec.type === 'string' ? scalarProblemLoose(value) : scalarProblem(spec, value);
    if (problem) out.push({ path: at, message: problem });
  } else {
    const problem = op === 'eq' || op === 'ne' ? scalarProblem(spec, value) : orderedProblem(spec, value);
    if (problem) out.push({ path: at, message: problem });
  }
  return out;
}

/** `contains` on a string field takes any substring, not only one of the field's values. */
function scalarProblemLoose(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  return value.length > MAX_STRING ? `must be at most ${MAX_STRING} characters` : null;
}

function leafProblems(node: Record<string, unknown>, path: Path): ConditionIssue[] {
  const extra = Object.keys(node).filter((k) => k !== 'field' && k !== 'op' && k !== 'value');
  const out: ConditionIssue[] = extra.map((k) => ({ path: [...path, k], message: 'unknown key' }));
  const { field, op } = node;
  const spec = typeof field === 'string' ? fieldSpec(field) : undefined;
  if (typeof field !== 'string') out.push({ path: [...path, 'field'], message: 'must be a field name' });
  else if (!spec) out.push({ path: [...path, 'field'], message: `unknown field ${field}` });
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    out.push({ path: [...path, 'op'], message: `must be one of ${OPS.join(', ')}` });
    return out;
  }
  if (!spec) return out;
  if (!OPS_BY_TYPE[spec.type].includes(op as Op)) {
    out.push({
      path: [...path, 'op'],
      message: `${op} does not apply to ${field} (${spec.type}); use ${OPS_BY_TYPE[spec.type].join(', ')}`,
    });
    return out;
  }
  return [...out, ...valueProblems(spec, op as Op, node, path)];
}

class Walker {
  readonly issues: ConditionIssue[] = [];
  nodes = 0;

  walk(node: unknown, path: Path, depth: number): void {
    this.nodes += 1;
    if (depth > MAX_CONDITION_DEPTH) {
      this.issues.push({ path, message: `conditions nest at most ${MAX_CONDITION_DEPTH} levels deep` });
      return;
    }
    if (!isPlainObject(node)) {
      this.issues.push({
        path,
        message: 'must be an object: { all }, { any }, { not } or { field, op, value }',
      });
      return;
    }
    const group = (['all', 'any', 'not'] as const).find((k) => k in node);
    if (group === undefined) {
      if ('field' in node || 'op' in node) this.issues.push(...leafProblems(node, path));
      else this.issues.push({ path, message: 'must have one of all, any, not, or field and op' });
      return;
    }
    for (const key of Object.keys(node))
      if (key !== group) this.issues.push({ path: [...path, key], message: `unexpected beside ${group}` });
    const children = node[group];
    if (group === 'not') {
      this.walk(children, [...path, 'not'], depth + 1);
      return;
    }
    if (!Array.isArray(children)) {
      this.issues.push({ path: [...path, group], message: 'must be a list of conditions' });
      return;
    }
    if (group === 'any' && children.length === 0)
      this.issues.push({ path: [...path, group], message: 'must hold at least one condition' });
    children.forEach((child, i) => {
      this.walk(child, [...path, group, i], depth + 1);
    });
  }
}

/** Every problem of a condition tree, each with its path inside the tree. */
export function conditionIssues(value: unknown): ConditionIssue[] {
  const walker = new Walker();
  walker.walk(value, [], 1);
  if (walker.nodes > MAX_CONDITION_NODES)
    walker.issues.unshift({
      path: [],
      message: `holds ${walker.nodes} conditions; at most ${MAX_CONDITION_NODES}`,
    });
  return walker.issues;
}

/** A condition tree, validated by conditionIssues() (zod reports each issue at its own path). */
export const conditionSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    for (const issue of conditionIssues(value))
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: value });
  })
  .meta({
    description:
      'A condition tree: { all: [...] } | { any: [...] } | { not: cond } | { field, op, value }; see docs/loyalty.md',
  }) as unknown as z.ZodType<Condition>;

/** The leaves of a tree, in order. */
export function conditionLeaves(condition: Condition): ConditionLeaf[] {
  if ('all' in condition) return condition.all.flatMap(conditionLeaves);
  if ('any' in condition) return condition.any.flatMap(conditionLeaves);
  if ('not' in condition) return conditionLeaves(condition.not);
  return [condition];
}

/** What evaluating `condition` must load (member row, tier, item, decrypted birthday). */
export function conditionNeeds(condition: Condition): Set<FieldNeed> {
  const needs = new Set<FieldNeed>();
  for (const leaf of conditionLeaves(condition)) {
    const need = fieldSpec(leaf.field)?.needs;
    if (need) needs.add(need);
  }
  return needs;
}
