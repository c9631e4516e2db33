// The visual condition builder: groups (all / any, optionally negated) holding conditions
// (field, operator, value) and further groups. Fields and operators come from the server's own
// catalogue (src/modules/loyalty/loyalty.fields.ts), so the builder offers exactly what the API accepts.
import { eventLabel } from '../i18n/i18n.tsx';
import { ruleLabel } from '../i18n/rules.ts';
import {
  CONDITION_FIELDS,
  type ConditionNode,
  emptyGroup,
  type GroupNode,
  type LeafNode,
  type NodeErrors,
  type NodePaths,
  newLeaf,
  OPS_BY_TYPE,
  type Op,
  PREFIX_FIELDS,
  prefixOf,
  updateNode,
  withField,
} from './rule-draft.ts';
import { type ValueContext, ValueInput } from './rule-values.tsx';

/** The API's limit on nesting (`all`, `any` and `not` each count a level). */
const MAX_DEPTH = 8;

interface TreeProps {
  root: GroupNode;
  trigger: string;
  paths: NodePaths;
  errors: ReadonlyMap<string, NodeErrors>;
  readOnly: boolean;
  ctx: ValueContext;
  onChange: (root: GroupNode) => void;
}

/** Fields by their first segment (event, item, member, date), in the catalogue's order. */
function fieldGroups(): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const field of [...Object.keys(CONDITION_FIELDS), ...Object.keys(PREFIX_FIELDS)]) {
    const group = field.split('.')[0] ?? field;
    groups.set(group, [...(groups.get(group) ?? []), field]);
  }
  return [...groups];
}

const FIELD_GROUPS = fieldGroups();

function FieldError({ id, testId, message }: { id: string; testId: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <small id={id} className="field-error" data-testid={testId}>
      {message}
    </small>
  );
}

function Leaf({ leaf, props, depth }: { leaf: LeafNode; props: TreeProps; depth: number }) {
  const { ctx, readOnly, errors, paths } = props;
  const { t } = ctx;
  const error = errors.get(leaf.key) ?? {};
  const prefix = prefixOf(leaf.field);
  const selected = prefix ?? leaf.field;
  const spec = CONDITION_FIELDS[leaf.field] ?? (prefix ? PREFIX_FIELDS[prefix] : undefined);
  const ops: readonly Op[] = spec ? OPS_BY_TYPE[spec.type] : [leaf.op];
  const change = (next: Partial<LeafNode>) =>
    props.onChange(updateNode(props.root, leaf.key, (node) => ({ ...node, ...next }) as LeafNode));
  const idOf = (spot: string) => `cond-${leaf.key}-${spot}-error`;
  return (
    <div
      className={`cond-leaf${error.field || error.op || error.value || error.node ? ' has-error' : ''}`}
      data-testid="cond-leaf"
      data-path={paths.get(leaf.key)?.[0]}
      data-field={leaf.field}
      data-op={leaf.op}
    >
      <div className="cond-row">
        <NotToggle node={leaf} props={props} depth={depth} />
        <select
          data-testid="cond-field"
          aria-label={t('cond.field')}
          title={spec?.description}
          aria-invalid={error.field ? true : undefined}
          aria-describedby={error.field ? idOf('field') : undefined}
          disabled={readOnly}
          value={selected}
          onChange={(e) => {
            const field = e.target.value;
            props.onChange(updateNode(props.root, leaf.key, () => withField(leaf, field)));
          }}
        >
          {!spec && <option value={selected}>{selected || t('cond.choose')}</option>}
          {FIELD_GROUPS.map(([group, fields]) => (
            <optgroup key={group} label={ruleLabel(t, `fieldGroup.${group}`, group)}>
              {fields.map((field) => (
                <option key={field} value={field}>
                  {ruleLabel(t, `field.${field}`, field)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {prefix && (
          <input
            data-testid="cond-key"
            className="cond-key"
            aria-label={t('cond.key')}
            placeholder={t('cond.keyPlaceholder')}
            disabled={readOnly}
            value={leaf.field.slice(prefix.length)}
            onChange={(e) => change({ field: prefix + e.target.value.trim() })}
          />
        )}
        <select
          data-testid="cond-op"
          aria-label={t('cond.op')}
          aria-invalid={error.op ? true : undefined}
          aria-describedby={error.op ? idOf('op') : undefined}
          disabled={readOnly}
          value={leaf.op}
          onChange={(e) => change({ op: e.target.value as Op })}
        >
          {ops.map((op) => (
            <option key={op} value={op}>
              {ruleLabel(t, `op.${op}`, op)}
            </option>
          ))}
        </select>
        <ValueInput
          leaf={leaf}
          ctx={ctx}
          disabled={readOnly}
          invalid={Boolean(error.value)}
          describedBy={error.value ? idOf('value') : undefined}
          onChange={change}
        />
        {!readOnly && (
          <button
            type="button"
            className="button link cond-remove"
            data-testid="cond-remove"
            aria-label={t('cond.removeCondition')}
            title={t('cond.removeCondition')}
            onClick={() => props.onChange(updateNode(props.root, leaf.key, () => null))}
          >
            ×
          </button>
        )}
      </div>
      <FieldError id={idOf('field')} testId="cond-field-error" message={error.field} />
      <FieldError id={idOf('op')} testId="cond-op-error" message={error.op} />
      <FieldError id={idOf('value')} testId="cond-value-error" message={error.value} />
      <FieldError id={idOf('node')} testId="cond-node-error" message={error.node} />
    </div>
  );
}

/** "Not": the node must not hold. Every negation is a level of nesting for the API. */
function NotToggle({ node, props, depth }: { node: ConditionNode; props: TreeProps; depth: number }) {
  const { t } = props.ctx;
  return (
    <label className={`cond-not${node.not ? ' on' : ''}`} title={t('cond.notHint')}>
      <input
        type="checkbox"
        data-testid="cond-not"
        disabled={props.readOnly || (!node.not && depth >= MAX_DEPTH)}
        checked={node.not}
        onChange={(e) =>
          props.onChange(updateNode(props.root, node.key, (n) => ({ ...n, not: e.target.checked })))
        }
      />
      {t('cond.not')}
    </label>
  );
}

function Group({ group, props, depth }: { group: GroupNode; props: TreeProps; depth: number }) {
  const { ctx, readOnly, errors, paths, root } = props;
  const { t } = ctx;
  const isRoot = group.key === root.key;
  const error = errors.get(group.key)?.node;
  const ownDepth = depth + (group.not ? 1 : 0);
  const add = (child: ConditionNode) =>
    props.onChange(
      updateNode(root, group.key, (node) => ({
        ...(node as GroupNode),
        children: [...(node as GroupNode).children, child],
      })),
    );
  const emptyNote =
    group.children.length > 0
      ? null
      : group.op === 'any'
        ? t('cond.anyEmpty')
        : isRoot
          ? t('cond.rootEmpty', { event: eventLabel(ctx.tMain, props.trigger) })
          : t('cond.allEmpty');
  return (
    <div
      className={`cond-group${isRoot ? ' root' : ''}${group.not ? ' negated' : ''}${error ? ' has-error' : ''}`}
      data-testid="cond-group"
      data-path={paths.get(group.key)?.[0]}
      data-op={group.op}
      data-not={group.not}
    >
      <div className="cond-row cond-group-head">
        <NotToggle node={group} props={props} depth={ownDepth} />
        <select
          data-testid="cond-group-op"
          aria-label={t('cond.groupOp')}
          disabled={readOnly}
          value={group.op}
          onChange={(e) =>
            props.onChange(
              updateNode(root, group.key, (n) => ({
                ...(n as GroupNode),
                op: e.target.value as 'all' | 'any',
              })),
            )
          }
        >
          <option value="all">{t('cond.all')}</option>
          <option value="any">{t('cond.any')}</option>
        </select>
        {!readOnly && !isRoot && (
          <button
            type="button"
            className="button link cond-remove"
            data-testid="cond-remove"
            aria-label={t('cond.removeGroup')}
            title={t('cond.removeGroup')}
            onClick={() => props.onChange(updateNode(root, group.key, () => null))}
          >
            ×
          </button>
        )}
      </div>
      {error && (
        <small className="field-error" data-testid="cond-node-error">
          {error}
        </small>
      )}
      {group.children.length > 0 && (
        <ol className="cond-children">
          {group.children.map((child) => (
            <li key={child.key}>
              {child.kind === 'leaf' ? (
                <Leaf leaf={child} props={props} depth={ownDepth + 1} />
              ) : (
                <Group group={child} props={props} depth={ownDepth + 1} />
              )}
            </li>
          ))}
        </ol>
      )}
      {emptyNote && <p className="muted small cond-empty">{emptyNote}</p>}
      {!readOnly && (
        <div className="cond-actions">
          <button
            type="button"
            className="button secondary small-button"
            data-testid="cond-add-leaf"
            onClick={() => add(newLeaf(props.trigger))}
          >
            {t('cond.addCondition')}
          </button>
          <button
            type="button"
            className="button secondary small-button"
            data-testid="cond-add-group"
            disabled={ownDepth + 1 >= MAX_DEPTH}
            title={ownDepth + 1 >= MAX_DEPTH ? t('cond.tooDeep') : undefined}
            onClick={() =>
              add({ ...emptyGroup(group.op === 'all' ? 'any' : 'all'), children: [newLeaf(props.trigger)] })
            }
          >
            {t('cond.addGroup')}
          </button>
        </div>
      )}
    </div>
  );
}

/** The whole tree; the root is always a group ("all of these" with nothing in it always holds). */
export function ConditionBuilder(props: TreeProps) {
  return (
    <div className="cond-tree" data-testid="condition-builder">
      <Group group={props.root} props={props} depth={1} />
    </div>
  );
}
