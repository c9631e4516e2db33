// `/insights/segments/new` and `/insights/segments/{id}`: the segment builder (condition tree or
// JSON, a live count as the tree changes, save with the server's messages at their conditions, a
// version conflict) and, for a saved segment, its size over time, members, export and archive.
import './editors.css';
import { useEffect, useMemo, useState } from 'react';
import { hasScope } from '../access.ts';
import { ApiError, api } from '../api/client.ts';
import {
  type Page,
  type SegmentDto,
  type SegmentField,
  type SegmentRef,
  segmentPath,
} from '../api/intelligence-types.ts';
import type { TierName } from '../api/loyalty-types.ts';
import { useOperator } from '../api/session.tsx';
import { FormField } from '../components/form-field.tsx';
import { describeError, Empty, ErrorState, Loading } from '../components/states.tsx';
import { Link, navigate } from '../lib/router.tsx';
import { useAsync } from '../lib/use-async.ts';
import { DEFAULT_CURRENCY, loadLadder, loadProgramme, orNull } from './programme-api.ts';
import { SegmentConditionBuilder } from './segment-condition.tsx';
import { SegmentDetail } from './segment-detail.tsx';
import {
  compileDraft,
  type DraftContext,
  draftFromDefinition,
  emptyGroup,
  type GroupNode,
  nodePaths,
  serverErrorsByNode,
} from './segment-draft.ts';
import { LiveCount, useLiveCount } from './segment-live.tsx';
import { type IntelText, useIntel } from './value-widgets.tsx';

interface EditorData {
  segment: SegmentDto | null;
  fields: SegmentField[];
  segments: SegmentRef[];
  currency: string;
  loadId: number;
}

let loads = 0;

/** The tier field's values are tier ids: offer them by name. */
function withTierNames(field: SegmentField, tiers: readonly TierName[]): SegmentField {
  if (field.field !== 'tier' || !field.values) return field;
  return {
    ...field,
    values: field.values.map((value) => {
      const tier = tiers.find((t) => t.id === value);
      return tier ? { value: tier.id, label: { en: tier.nameEn, zh: tier.nameZh } } : value;
    }),
  };
}
/** The segment just created, so its page (a new route) can say so. */
let justCreated: string | null = null;

async function loadEditor(id: string | null, signal: AbortSignal): Promise<EditorData> {
  const [segment, fields, list, programme, ladder] = await Promise.all([
    id === null ? null : api<SegmentDto>(segmentPath(id), { signal }),
    api<{ data: SegmentField[] }>('/v1/segments/fields', { signal }),
    orNull(api<Page<SegmentRef>>('/v1/segments', { query: { limit: 500 }, signal })),
    orNull(loadProgramme(signal)),
    orNull(loadLadder(signal)),
  ]);
  loads += 1;
  return {
    segment,
    fields: fields.data.map((f) => withTierNames(f, ladder?.tiers ?? [])),
    segments: (list?.data ?? []).filter((s) => s.id !== id),
    currency: programme?.settings.currency ?? DEFAULT_CURRENCY,
    loadId: loads,
  };
}

type SaveState =
  | { status: 'idle'; message?: string }
  | { status: 'saving' }
  | { status: 'error'; error: unknown }
  | { status: 'conflict' };

function saveMessage(state: SaveState, text: IntelText, other: string[]) {
  const { t, tMain } = text;
  if (state.status === 'idle' && state.message)
    return (
      <p className="notice" role="status" data-testid="seg-saved">
        {state.message}
      </p>
    );
  if (state.status !== 'error') return null;
  const invalid = state.error instanceof ApiError && state.error.status === 400;
  return (
    <div className="form-error" role="alert" data-testid="seg-save-error">
      {invalid ? t('se.invalid') : t('se.saveFailed', { message: describeError(tMain, state.error) })}
      {other.length > 0 && (
        <ul>
          {other.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Editor({ data, reload }: { data: EditorData; reload: () => void }) {
  const text = useIntel();
  const { t } = text;
  const operator = useOperator();
  const readOnly = !hasScope(operator.role, 'segments:write');
  const ctx: DraftContext = useMemo(
    () => ({ fields: new Map(data.fields.map((f) => [f.field, f])), currency: data.currency }),
    [data],
  );
  const segment = data.segment;
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [root, setRoot] = useState<GroupNode>(() => {
    try {
      return segment ? draftFromDefinition(segment.definition, ctx) : emptyGroup('all');
    } catch {
      return emptyGroup('all');
    }
  });
  const [view, setView] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [save, setSave] = useState<SaveState>(
    justCreated === segment?.id ? { status: 'idle', message: t('se.created') } : { status: 'idle' },
  );
  const [nameError, setNameError] = useState<string | undefined>();
  const [dirty, setDirty] = useState(false);
  const [version, setVersion] = useState(segment?.version ?? 0);
  const [stored, setStored] = useState<SegmentDto | null>(segment);
  // "Segment created" is said once, on the page the creation led to.
  useEffect(() => {
    if (justCreated === segment?.id) justCreated = null;
  }, [segment]);

  const compiled = useMemo(() => compileDraft(root, ctx), [root, ctx]);
  const paths = useMemo(() => nodePaths(root), [root]);
  const blocked = compiled.errors.size > 0;
  const empty = root.children.length === 0;
  const definitionText = JSON.stringify(compiled.definition);
  const live = useLiveCount(blocked || empty ? null : definitionText);

  // Server messages for the tree as it is now: from the live count or from the last save.
  const server = useMemo(() => {
    const error = save.status === 'error' ? save.error : live.status === 'error' ? live.error : null;
    return error instanceof ApiError && error.status === 400 ? serverErrorsByNode(root, error.details) : null;
  }, [save, live, root]);
  const errors = useMemo(() => {
    const all = new Map<string, string>();
    for (const [key, message] of server?.byNode ?? []) all.set(key, message);
    for (const [key, code] of compiled.errors) all.set(key, t(code));
    return all;
  }, [server, compiled, t]);

  const edit = (next: GroupNode) => {
    setRoot(next);
    setDirty(true);
    if (save.status !== 'saving') setSave({ status: 'idle' });
  };

  const submit = async () => {
    if (!name.trim()) {
      setNameError(t('se.nameRequired'));
      return;
    }
    setNameError(undefined);
    if (blocked) return;
    setSave({ status: 'saving' });
    const body = {
      name: name.trim(),
      description: description.trim() || null,
      definition: compiled.definition,
    };
    try {
      if (segment) {
        const saved = await api<SegmentDto>(segmentPath(segment.id), {
          method: 'PUT',
          body: { ...body, version },
        });
        setSave({ status: 'idle', message: t('se.saved', { version: saved.version }) });
        setDirty(false);
        setVersion(saved.version);
        setStored(saved);
      } else {
        const created = await api<SegmentDto>('/v1/segments', { method: 'POST', body });
        justCreated = created.id;
        navigate(`/insights/segments/${encodeURIComponent(created.id)}`);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.code !== 'SEGMENT_IN_USE')
        setSave({ status: 'conflict' });
      else setSave({ status: 'error', error });
      if (error instanceof ApiError) {
        const named = error.details.find((d) => d.path === 'name');
        if (named) setNameError(named.message);
      }
    }
  };

  const openJson = () => {
    setJsonText(JSON.stringify(compiled.definition, null, 2));
    setJsonError(null);
    setView('json');
  };
  const editJson = (value: string) => {
    setJsonText(value);
    try {
      edit(draftFromDefinition(JSON.parse(value), ctx));
      setJsonError(null);
    } catch (error) {
      setJsonError(error instanceof Error ? error.message : String(error));
    }
  };

  const other = (server?.other ?? []).filter((o) => o.path !== 'name').map((o) => `${o.path}: ${o.message}`);
  return (
    <div className="editor-layout">
      <div className="editor-main">
        {readOnly && <p className="notice">{t('se.readOnly')}</p>}
        {save.status === 'conflict' && (
          <div className="notice warning-notice conflict" role="alert" data-testid="seg-conflict">
            {t('se.conflict')}{' '}
            <button type="button" className="button secondary" data-testid="seg-reload" onClick={reload}>
              {t('se.reload')}
            </button>
          </div>
        )}
        {saveMessage(save, text, other)}
        <section className="card editor-fields">
          <div className="form-grid">
            <FormField label={t('se.name')} error={nameError} testId="seg-name">
              <input
                data-testid="seg-name"
                value={name}
                disabled={readOnly}
                placeholder={t('se.namePlaceholder')}
                onChange={(e) => {
                  setName(e.target.value);
                  setDirty(true);
                }}
              />
            </FormField>
            <FormField label={t('se.description')} testId="seg-description">
              <input
                data-testid="seg-description"
                value={description}
                disabled={readOnly}
                onChange={(e) => {
                  setDescription(e.target.value);
                  setDirty(true);
                }}
              />
            </FormField>
          </div>
        </section>
        <section className="card" aria-labelledby="seg-def-h">
          <div className="card-head">
            <h2 id="seg-def-h">{t('se.definition')}</h2>
            <div className="presets">
              <button
                type="button"
                className={view === 'form' ? 'chip active' : 'chip'}
                data-testid="seg-view-form"
                onClick={() => setView('form')}
              >
                {t('se.viewForm')}
              </button>
              <button
                type="button"
                className={view === 'json' ? 'chip active' : 'chip'}
                data-testid="seg-view-json"
                onClick={openJson}
              >
                {t('se.viewJson')}
              </button>
            </div>
          </div>
          <p className="muted small">{t('se.definitionHint', { currency: data.currency })}</p>
          {view === 'form' ? (
            <SegmentConditionBuilder
              root={root}
              paths={paths}
              errors={errors}
              readOnly={readOnly}
              fields={data.fields}
              segments={data.segments}
              currency={data.currency}
              text={text}
              onChange={edit}
            />
          ) : (
            <>
              <p className="muted small">{t('se.jsonHint')}</p>
              <textarea
                className="json-text"
                data-testid="seg-json"
                rows={16}
                spellCheck={false}
                readOnly={readOnly}
                value={jsonText}
                onChange={(e) => editJson(e.target.value)}
              />
              {jsonError && (
                <small className="field-error" data-testid="seg-json-error">
                  {t('se.jsonInvalid', { message: jsonError })}
                </small>
              )}
            </>
          )}
        </section>
        {!readOnly && (
          <div className="actions-row">
            <button
              type="button"
              className="button"
              data-testid="seg-save"
              disabled={save.status === 'saving'}
              onClick={submit}
            >
              {save.status === 'saving' ? t('se.saving') : segment ? t('se.save') : t('se.create')}
            </button>
            {dirty && <span className="badge draft-badge">{t('se.unsaved')}</span>}
          </div>
        )}
        {stored && <SegmentDetail key={version} segment={stored} readOnly={readOnly} text={text} />}
      </div>
      <aside className="editor-side">
        <LiveCount live={empty ? { status: 'idle' } : live} blocked={blocked} text={text} />
      </aside>
    </div>
  );
}

/** The builder for a new segment (`id` null) or a saved one. */
export default function SegmentEditorPage({ id }: { id: string | null }) {
  const text = useIntel();
  const { t } = text;
  const { state, reload } = useAsync(`segment:${id ?? 'new'}`, (signal) => loadEditor(id, signal));
  const notFound = state.status === 'error' && state.error instanceof ApiError && state.error.status === 404;
  const data = state.status === 'ok' ? state.data : null;
  return (
    <div className="page" data-testid="segment-editor-page">
      <nav className="breadcrumb" aria-label="breadcrumb">
        <Link to="/insights/segments">← {t('se.back')}</Link>
      </nav>
      <div className="page-header">
        <h1 data-testid="seg-title">{data?.segment?.name ?? (id === null ? t('se.new') : id)}</h1>
      </div>
      {notFound && <Empty>{t('se.notFound', { id: id ?? '' })}</Empty>}
      {state.status === 'error' && !notFound && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && <Loading />}
      {data && <Editor key={data.loadId} data={data} reload={reload} />}
    </div>
  );
}
