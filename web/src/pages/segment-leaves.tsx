// The leaves of the segment builder's tree and the controls every node shares: a field leaf (from
// the server's catalogue, its value typed by unit), an event leaf (type, category, brand, how
// often, within how many days, amount), and segment and cluster references.
import type { SegmentField, SegmentRef } from '../api/intelligence-types.ts';
import { eventLabel } from '../i18n/i18n.tsx';
import {
  COUNT_OPS,
  type DraftNode,
  type EventNode,
  type FieldNode,
  type GroupNode,
  MAX_DEPTH,
  newFieldLeaf,
  opsOf,
  updateNode,
} from './segment-draft.ts';
import { biText, type IntelText } from './value-widgets.tsx';

export const EVENT_TYPES = [
  'order_paid',
  'order_refunded',
  'view',
  'search',
  'cart_add',
  'cart_remove',
  'favorite',
  'review',
  'login',
  'signup',
  'coupon_use',
  'share',
] as const;

export interface TreeProps {
  root: GroupNode;
  paths: ReadonlyMap<string, string>;
  /** Messages by node key: local ones and the server's. */
  errors: ReadonlyMap<string, string>;
  readOnly: boolean;
  fields: readonly SegmentField[];
  segments: readonly SegmentRef[];
  currency: string;
  text: IntelText;
  onChange: (root: GroupNode) => void;
}

const GROUP_ORDER = ['profile', 'value', 'tier', 'points', 'member'];

/** Catalogue fields by their first segment (profile, value, tier, points, member). */
function fieldGroups(fields: readonly SegmentField[]): [string, SegmentField[]][] {
  const groups = new Map<string, SegmentField[]>();
  for (const field of fields) {
    const prefix = field.field.split('.')[0] ?? field.field;
    const group = GROUP_ORDER.includes(prefix) ? prefix : 'other';
    groups.set(group, [...(groups.get(group) ?? []), field]);
  }
  return [...groups].sort((a, b) => GROUP_ORDER.indexOf(a[0]) - GROUP_ORDER.indexOf(b[0]));
}

export function change(props: TreeProps, key: string, next: Partial<DraftNode>) {
  props.onChange(updateNode(props.root, key, (node) => ({ ...node, ...next }) as DraftNode));
}

export function Remove({ props, nodeKey }: { props: TreeProps; nodeKey: string }) {
  if (props.readOnly) return null;
  const label = props.text.t('cond.remove');
  return (
    <button
      type="button"
      className="button link cond-remove"
      data-testid="seg-remove"
      aria-label={label}
      title={label}
      onClick={() => props.onChange(updateNode(props.root, nodeKey, () => null))}
    >
      ×
    </button>
  );
}

export function NotToggle({ node, props, depth }: { node: DraftNode; props: TreeProps; depth: number }) {
  const { t } = props.text;
  return (
    <label className={`cond-not${node.not ? ' on' : ''}`} title={t('cond.notHint')}>
      <input
        type="checkbox"
        data-testid="seg-not"
        disabled={props.readOnly || (!node.not && depth >= MAX_DEPTH)}
        checked={node.not}
        onChange={(e) => change(props, node.key, { not: e.target.checked })}
      />
      {t('cond.not')}
    </label>
  );
}

function unitText(field: SegmentField | undefined, props: TreeProps): string {
  const unit = field?.unit;
  if (!unit) return '';
  if (unit === 'money') return props.currency;
  return props.text.t(`unit.${unit}`);
}

function enumValues(field: SegmentField, zh: boolean): { value: string; label: string }[] {
  return (field.values ?? []).map((v) =>
    typeof v === 'object'
      ? { value: String(v.value), label: biText(v.label, zh, String(v.value)) }
      : { value: String(v), label: String(v) },
  );
}

/** One operand input: a list of the enum's values, or text (numbers stay text until sent). */
function Operand({
  field,
  value,
  onValue,
  props,
  testId,
  invalid,
}: {
  field: SegmentField | undefined;
  value: string;
  onValue: (value: string) => void;
  props: TreeProps;
  testId: string;
  invalid: boolean;
}) {
  const { t } = props.text;
  if (field?.type === 'enum' && field.values && field.values.length > 0)
    return (
      <select
        data-testid={testId}
        aria-label={t('cond.value')}
        aria-invalid={invalid || undefined}
        disabled={props.readOnly}
        value={value}
        onChange={(e) => onValue(e.target.value)}
      >
        <option value="">{t('cond.choose')}</option>
        {enumValues(field, props.text.zh).map((v) => (
          <option key={v.value} value={v.value}>
            {v.label}
          </option>
        ))}
      </select>
    );
  return (
    <input
      data-testid={testId}
      className={field?.type === 'number' ? 'cond-value narrow' : 'cond-value'}
      aria-label={t('cond.value')}
      aria-invalid={invalid || undefined}
      inputMode={field?.type === 'number' ? 'decimal' : undefined}
      disabled={props.readOnly}
      value={value}
      onChange={(e) => onValue(e.target.value)}
    />
  );
}

export function FieldLeaf({ node, props, depth }: { node: FieldNode; props: TreeProps; depth: number }) {
  const { t, zh } = props.text;
  const spec = props.fields.find((f) => f.field === node.field);
  const error = props.errors.get(node.key);
  const ops = opsOf(spec);
  const list = node.op === 'in' || node.op === 'notIn';
  const unit = unitText(spec, props);
  return (
    <div
      className={`cond-leaf${error ? ' has-error' : ''}`}
      data-testid="seg-leaf"
      data-kind="field"
      data-path={props.paths.get(node.key)}
      data-field={node.field}
    >
      <div className="cond-row">
        <NotToggle node={node} props={props} depth={depth} />
        <select
          data-testid="seg-field"
          aria-label={t('cond.field')}
          disabled={props.readOnly}
          value={node.field}
          onChange={(e) => {
            const next = props.fields.find((f) => f.field === e.target.value);
            props.onChange(
              updateNode(props.root, node.key, () => ({
                ...newFieldLeaf(next),
                key: node.key,
                not: node.not,
              })),
            );
          }}
        >
          {!spec && <option value={node.field}>{node.field || t('cond.choose')}</option>}
          {fieldGroups(props.fields).map(([group, fields]) => (
            <optgroup key={group} label={t(`cond.group.${group}` as 'cond.group.other')}>
              {fields.map((f) => (
                <option key={f.field} value={f.field}>
                  {biText(f.label, zh, f.field)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <select
          data-testid="seg-op"
          aria-label={t('cond.op')}
          disabled={props.readOnly}
          value={node.op}
          onChange={(e) => change(props, node.key, { op: e.target.value as FieldNode['op'] })}
        >
          {ops.map((op) => (
            <option key={op} value={op}>
              {t(`op.${op}`)}
            </option>
          ))}
        </select>
        {node.op !== 'exists' && node.op !== 'notExists' && (
          <>
            {list ? (
              <input
                data-testid="seg-value"
                className="cond-value wide"
                aria-label={t('cond.value')}
                placeholder={t('cond.listHint')}
                aria-invalid={Boolean(error) || undefined}
                disabled={props.readOnly}
                value={node.value}
                onChange={(e) => change(props, node.key, { value: e.target.value })}
              />
            ) : (
              <Operand
                field={spec}
                value={node.value}
                onValue={(value) => change(props, node.key, { value })}
                props={props}
                testId="seg-value"
                invalid={Boolean(error)}
              />
            )}
            {node.op === 'between' && (
              <>
                <span className="muted small">{t('cond.valueTo')}</span>
                <Operand
                  field={spec}
                  value={node.valueTo}
                  onValue={(valueTo) => change(props, node.key, { valueTo })}
                  props={props}
                  testId="seg-value-to"
                  invalid={Boolean(error)}
                />
              </>
            )}
            {unit && <span className="muted small">{unit}</span>}
          </>
        )}
        <Remove props={props} nodeKey={node.key} />
      </div>
      <LeafError message={error} />
    </div>
  );
}

export function LeafError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <small className="field-error" data-testid="seg-leaf-error" role="alert">
      {message}
    </small>
  );
}

function CountOpSelect({
  value,
  onValue,
  props,
  testId,
}: {
  value: string;
  onValue: (op: EventNode['countOp']) => void;
  props: TreeProps;
  testId: string;
}) {
  return (
    <select
      data-testid={testId}
      aria-label={props.text.t('cond.op')}
      disabled={props.readOnly}
      value={value}
      onChange={(e) => onValue(e.target.value as EventNode['countOp'])}
    >
      {COUNT_OPS.map((op) => (
        <option key={op} value={op}>
          {props.text.t(`op.${op}`)}
        </option>
      ))}
    </select>
  );
}

export function EventLeaf({ node, props, depth }: { node: EventNode; props: TreeProps; depth: number }) {
  const { t, tMain } = props.text;
  const error = props.errors.get(node.key);
  const input = (
    name: 'category' | 'brand' | 'withinDays' | 'countValue' | 'amountValue',
    label: string,
    placeholder?: string,
  ) => (
    <input
      data-testid={`seg-event-${name}`}
      className={name === 'category' || name === 'brand' ? 'cond-value' : 'cond-value narrow'}
      aria-label={label}
      placeholder={placeholder}
      inputMode={name === 'category' || name === 'brand' ? undefined : 'decimal'}
      disabled={props.readOnly}
      value={node[name]}
      onChange={(e) => change(props, node.key, { [name]: e.target.value })}
    />
  );
  return (
    <div
      className={`cond-leaf${error ? ' has-error' : ''}`}
      data-testid="seg-leaf"
      data-kind="event"
      data-path={props.paths.get(node.key)}
      data-event={node.type}
    >
      <div className="cond-row">
        <NotToggle node={node} props={props} depth={depth} />
        <span className="small">{t('ev.had')}</span>
        <select
          data-testid="seg-event-type"
          aria-label={t('ev.type')}
          disabled={props.readOnly}
          value={node.type}
          onChange={(e) => change(props, node.key, { type: e.target.value })}
        >
          {EVENT_TYPES.map((type) => (
            <option key={type} value={type}>
              {eventLabel(tMain, type)}
            </option>
          ))}
        </select>
        {input('category', t('ev.category'), t('ev.anyCategory'))}
        {input('brand', t('ev.brand'), t('ev.anyBrand'))}
      </div>
      <div className="cond-row">
        <span className="small">{t('ev.count')}</span>
        <CountOpSelect
          value={node.countOp}
          onValue={(countOp) => change(props, node.key, { countOp })}
          props={props}
          testId="seg-event-count-op"
        />
        {input('countValue', t('ev.count'))}
        <span className="small">{t('ev.within')}</span>
        {input('withinDays', t('ev.withinDays'))}
        <span className="muted small">{t('ev.withinDays')}</span>
        <span className="small">{t('ev.amount')}</span>
        <CountOpSelect
          value={node.amountOp}
          onValue={(amountOp) => change(props, node.key, { amountOp })}
          props={props}
          testId="seg-event-amount-op"
        />
        {input('amountValue', t('ev.amount'), t('ev.anyAmount'))}
        <span className="muted small">{props.currency}</span>
        <Remove props={props} nodeKey={node.key} />
      </div>
      <LeafError message={error} />
    </div>
  );
}

export function RefLeaf({
  node,
  props,
  depth,
}: {
  node: Extract<DraftNode, { kind: 'segment' | 'cluster' }>;
  props: TreeProps;
  depth: number;
}) {
  const { t } = props.text;
  const error = props.errors.get(node.key);
  return (
    <div
      className={`cond-leaf${error ? ' has-error' : ''}`}
      data-testid="seg-leaf"
      data-kind={node.kind}
      data-path={props.paths.get(node.key)}
    >
      <div className="cond-row">
        <NotToggle node={node} props={props} depth={depth} />
        {node.kind === 'segment' ? (
          <>
            <span className="small">{t('seg.in')}</span>
            <select
              data-testid="seg-ref"
              aria-label={t('seg.in')}
              disabled={props.readOnly}
              value={node.segmentId}
              onChange={(e) => change(props, node.key, { segmentId: e.target.value })}
            >
              <option value="">{t('seg.choose')}</option>
              {!props.segments.some((s) => s.id === node.segmentId) && node.segmentId && (
                <option value={node.segmentId}>{node.segmentId}</option>
              )}
              {props.segments.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </>
        ) : (
          <span className="small">{t('cluster.in', { index: node.index + 1, run: node.runId })}</span>
        )}
        <Remove props={props} nodeKey={node.key} />
      </div>
      <LeafError message={error} />
    </div>
  );
}
