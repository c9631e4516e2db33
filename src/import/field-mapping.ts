import type { z } from 'zod';
import type { ImportFormat } from './import-source.ts';

/** `--map` entry: the field `target` (a dotted path) takes its value from source column `source`. */
export interface FieldMapping {
  target: string[];
  source: string;
}

/**
 * Parses `--map email=mail,price.amount=price_cents`: field on the left, source column on the
 * right; dotted fields are nested (`context.ip=ip`).
 */
export function parseFieldMap(spec: string | undefined): FieldMapping[] {
  if (spec === undefined || spec.trim() === '') return [];
  return spec.split(',').map((pair) => {
    const [target, source, extra] = pair.split('=').map((part) => part.trim());
    if (!target || !source || extra !== undefined)
      throw new Error(`--map entry "${pair}" must be field=column`);
    return { target: target.split('.'), source };
  });
}

type LeafKind = 'number' | 'boolean' | 'array' | 'object' | 'string' | 'unknown';
type SchemaDef = { type: string } & Record<string, unknown>;

const defOf = (schema: z.ZodType): SchemaDef => schema._zod.def as unknown as SchemaDef;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Strips optional/default/pipe wrappers to the schema that says what a value is. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 10; depth += 1) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === 'pipe') current = def.in as z.ZodType;
    else if (def.type === 'lazy') current = (def.getter as () => z.ZodType)();
    else break;
  }
  return current;
}

/** The schema of the field at `path`, or undefined when the schema has no such field. */
export function schemaAt(schema: z.ZodType, path: readonly string[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    if (current === undefined) return undefined;
    const def = defOf(unwrap(current));
    if (def.type === 'object') current = (def.shape as Record<string, z.ZodType>)[key];
    else if (def.type === 'record') current = def.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

function leafKind(schema: z.ZodType | undefined): LeafKind {
  if (schema === undefined) return 'unknown';
  const type = defOf(unwrap(schema)).type;
  if (type === 'number' || type === 'int' || type === 'bigint') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array') return 'array';
  if (type === 'object' || type === 'record') return 'object';
  if (type === 'string' || type === 'enum') return 'string';
  return 'unknown';
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

function parseJsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}

/**
 * A CSV cell as the type the schema expects there. Text that does not convert is passed on
 * unchanged, so validation reports it against the field.
 */
export function coerceCell(text: string, kind: LeafKind): unknown {
  const value = text.trim();
  if (kind === 'number') return NUMBER.test(value) ? Number(value) : text;
  if (kind === 'boolean') {
    const lower = value.toLowerCase();
    return TRUE.has(lower) ? true : FALSE.has(lower) ? false : text;
  }
  if (kind === 'object') return value.startsWith('{') ? parseJsonOr(value, text) : text;
  if (kind === 'array') {
    if (value.startsWith('[')) return parseJsonOr(value, text);
    // `Food > Tea` or `red|green`: the natural ways to write a list in one cell.
    const separator = value.includes('|') ? '|' : value.includes('>') ? '>' : null;
    return separator ? value.split(separator).map((part) => part.trim()) : [value];
  }
  return text;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function takePath(source: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = source;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const last = path[path.length - 1] as string;
  const value = (node as Record<string, unknown>)[last];
  delete (node as Record<string, unknown>)[last];
  return value;
}

/** Turns source records into the objects the schema validates: renamed, nested and (for CSV) typed. */
export class RecordShaper {
  private readonly bySource: Map<string, string[]>;
  /** CSV columns that are no field of the schema; dropped, and reported once. */
  readonly ignoredColumns = new Set<string>();

  constructor(
    private readonly schema: z.ZodType,
    private readonly format: ImportFormat,
    private readonly mapping: readonly FieldMapping[],
  ) {
    this.bySource = new Map(mapping.map((m) => [m.source, m.target]));
  }

  shape(value: unknown): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    return this.format === 'csv' ? this.shapeRow(value as Record<string, string>) : this.shapeObject(value);
  }

  private shapeRow(row: Record<string, string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [column, text] of Object.entries(row)) {
      if (text.trim() === '') continue;
      const path = this.bySource.get(column) ?? column.split('.');
      const field = schemaAt(this.schema, path);
      if (field === undefined) {
        this.ignoredColumns.add(column);
        continue;
      }
      setPath(out, path, coerceCell(text, leafKind(field)));
    }
    return out;
  }

  private shapeObject(value: object): unknown {
    const out = structuredClone(value) as Record<string, unknown>;
    for (const { source, target } of this.mapping) {
      const moved = takePath(out, source.split('.'));
      if (moved !== undefined) setPath(out, target, moved);
    }
    return out;
  }
}
