import { appError, Errors } from '../../errors.ts';
import { type Condition, type DefinitionIssue, MAX_EXPANDED_LEAVES } from './segments.types.ts';
import { leavesOf } from './segments.validate.ts';

// `{ segment }` leaves are replaced by the referenced segment's definition (recursively), so the
// compiler and the in-memory evaluator only ever see fields, events and clusters. A reference
// back to a segment already on the path is a cycle (422); an unknown or archived id an issue.

export interface ResolveLookups {
  /** A live segment's definition, or null when there is none with this id. */
  segment(id: string): Promise<Condition | null>;
  /** Whether a cluster run exists; left out when the definition was checked when saved. */
  clusterRun?(id: string): Promise<boolean>;
}

type Path = (string | number)[];

class Resolver {
  readonly issues: DefinitionIssue[] = [];
  constructor(private readonly lookups: ResolveLookups) {}

  async resolve(node: Condition, path: Path, stack: string[]): Promise<Condition> {
    if ('all' in node) return { all: await this.children(node.all, [...path, 'all'], stack) };
    if ('any' in node) return { any: await this.children(node.any, [...path, 'any'], stack) };
    if ('not' in node) return { not: await this.resolve(node.not, [...path, 'not'], stack) };
    if ('cluster' in node) {
      const check = this.lookups.clusterRun;
      if (check && !(await check(node.cluster.runId)))
        this.issues.push({
          path: [...path, 'cluster', 'runId'],
          message: `unknown cluster run ${node.cluster.runId}`,
        });
      return node;
    }
    if (!('segment' in node)) return node;
    const id = node.segment;
    if (stack.includes(id))
      throw appError(
        Errors.SEGMENT_CYCLE,
        `The definition refers back to ${id}: ${[...stack, id].join(' → ')}`,
        [{ path: [...path, 'segment'].join('.'), message: `cycle ${[...stack, id].join(' → ')}` }],
      );
    const definition = await this.lookups.segment(id);
    if (!definition) {
      this.issues.push({ path: [...path, 'segment'], message: `unknown segment ${id}` });
      return node;
    }
    // Issues inside a saved definition were reported when it was saved; only cycles matter here.
    return this.resolve(definition, [...path, 'segment'], [...stack, id]);
  }

  private async children(nodes: Condition[], path: Path, stack: string[]): Promise<Condition[]> {
    const out: Condition[] = [];
    for (const [i, child] of nodes.entries()) out.push(await this.resolve(child, [...path, i], stack));
    return out;
  }
}

export interface Resolved {
  condition: Condition;
  issues: DefinitionIssue[];
}

/**
 * The definition with every `{ segment }` inlined. `selfId` is the segment being saved, so a
 * reference to itself (directly or through others) is a cycle.
 */
export async function resolveDefinition(
  definition: Condition,
  lookups: ResolveLookups,
  selfId?: string,
): Promise<Resolved> {
  const resolver = new Resolver(lookups);
  const condition = await resolver.resolve(definition, [], selfId ? [selfId] : []);
  const issues = resolver.issues;
  const leaves = leavesOf(condition).length;
  if (issues.length === 0 && leaves > MAX_EXPANDED_LEAVES)
    issues.push({
      path: [],
      message: `holds ${leaves} conditions with referenced segments inlined; at most ${MAX_EXPANDED_LEAVES}`,
    });
  return { condition, issues };
}

/** Throws 400 SEGMENT_DEFINITION_INVALID listing every issue, each path under `definition`. */
export function throwIfIssues(issues: DefinitionIssue[]): void {
  if (issues.length === 0) return;
  throw appError(
    Errors.SEGMENT_DEFINITION_INVALID,
    undefined,
    issues.map((issue) => ({ path: ['definition', ...issue.path].join('.'), message: issue.message })),
  );
}
