// The segment builder's condition tree: groups (all / any, optionally negated) holding field
// leaves, event leaves, segment references and cluster references (segment-leaves.tsx).
import {
  type DraftNode,
  emptyGroup,
  type GroupNode,
  MAX_DEPTH,
  newEventLeaf,
  newFieldLeaf,
  newSegmentLeaf,
  updateNode,
} from './segment-draft.ts';
import {
  change,
  EventLeaf,
  FieldLeaf,
  LeafError,
  NotToggle,
  RefLeaf,
  Remove,
  type TreeProps,
} from './segment-leaves.tsx';

export type { TreeProps } from './segment-leaves.tsx';

function Group({ group, props, depth }: { group: GroupNode; props: TreeProps; depth: number }) {
  const { t } = props.text;
  const isRoot = group.key === props.root.key;
  const error = props.errors.get(group.key);
  const ownDepth = depth + (group.not ? 1 : 0);
  const add = (child: DraftNode) =>
    props.onChange(
      updateNode(props.root, group.key, (node) => ({
        ...(node as GroupNode),
        children: [...(node as GroupNode).children, child],
      })),
    );
  const empty =
    group.children.length > 0
      ? null
      : isRoot
        ? t('cond.rootEmpty')
        : group.op === 'any'
          ? t('cond.anyEmpty')
          : t('cond.allEmpty');
  return (
    <div
      className={`cond-group${isRoot ? ' root' : ''}${group.not ? ' negated' : ''}${error ? ' has-error' : ''}`}
      data-testid="seg-group"
      data-path={props.paths.get(group.key)}
      data-op={group.op}
    >
      <div className="cond-row cond-group-head">
        <NotToggle node={group} props={props} depth={ownDepth} />
        <select
          data-testid="seg-group-op"
          aria-label={t('cond.groupOp')}
          disabled={props.readOnly}
          value={group.op}
          onChange={(e) => change(props, group.key, { op: e.target.value as 'all' | 'any' })}
        >
          <option value="all">{t('cond.all')}</option>
          <option value="any">{t('cond.any')}</option>
        </select>
        {!isRoot && <Remove props={props} nodeKey={group.key} />}
      </div>
      <LeafError message={error} />
      {group.children.length > 0 && (
        <ol className="cond-children">
          {group.children.map((child) => (
            <li key={child.key}>
              {child.kind === 'group' ? (
                <Group group={child} props={props} depth={ownDepth + 1} />
              ) : child.kind === 'field' ? (
                <FieldLeaf node={child} props={props} depth={ownDepth + 1} />
              ) : child.kind === 'event' ? (
                <EventLeaf node={child} props={props} depth={ownDepth + 1} />
              ) : (
                <RefLeaf node={child} props={props} depth={ownDepth + 1} />
              )}
            </li>
          ))}
        </ol>
      )}
      {empty && <p className="muted small cond-empty">{empty}</p>}
      {!props.readOnly && (
        <div className="cond-actions">
          <button
            type="button"
            className="button secondary small-button"
            data-testid="seg-add-field"
            onClick={() => add(newFieldLeaf(props.fields[0]))}
          >
            {t('cond.addField')}
          </button>
          <button
            type="button"
            className="button secondary small-button"
            data-testid="seg-add-event"
            onClick={() => add(newEventLeaf())}
          >
            {t('cond.addEvent')}
          </button>
          <button
            type="button"
            className="button secondary small-button"
            data-testid="seg-add-segment"
            onClick={() => add(newSegmentLeaf())}
          >
            {t('cond.addSegment')}
          </button>
          <button
            type="button"
            className="button secondary small-button"
            data-testid="seg-add-group"
            disabled={ownDepth + 1 >= MAX_DEPTH}
            onClick={() =>
              add({
                ...emptyGroup(group.op === 'all' ? 'any' : 'all'),
                children: [newFieldLeaf(props.fields[0])],
              })
            }
          >
            {t('cond.addGroup')}
          </button>
        </div>
      )}
    </div>
  );
}

/** The whole tree; the root is always a group. */
export function SegmentConditionBuilder(props: TreeProps) {
  return (
    <div className="cond-tree" data-testid="segment-builder">
      <Group group={props.root} props={props} depth={1} />
    </div>
  );
}
