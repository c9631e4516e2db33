import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { useOperator } from '../api/session.tsx';
import { OPERATOR_ROLES, type Operator, type OperatorRole, type Page } from '../api/types.ts';
import { describeError, Empty, ErrorState, Loading } from '../components/states.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { type Translate, useI18n } from '../i18n/i18n.tsx';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';

const TRANSLATED_ERRORS: ReadonlySet<string> = new Set(['OPERATOR_LAST_ADMIN', 'OPERATOR_USERNAME_TAKEN']);

/** A known error code in the reader's language, else the server's message with its fields. */
export function adminErrorText(t: Translate, error: unknown): string {
  if (error instanceof ApiError && TRANSLATED_ERRORS.has(error.code))
    return t(`error.${error.code}` as MessageKey);
  return describeError(t, error);
}

type Notice = { kind: 'ok' | 'error'; text: string } | null;

function CreateOperatorForm({ onCreated }: { onCreated: (username: string) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<OperatorRole>('analyst');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<Operator>('/v1/operators', {
        method: 'POST',
        body: { username: username.trim(), password, role },
      });
      setUsername('');
      setPassword('');
      onCreated(created.username);
    } catch (err) {
      setError(adminErrorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="create-form" onSubmit={submit} aria-labelledby="create-operator-h">
      <h3 id="create-operator-h">{t('admin.createOperator')}</h3>
      <div className="form-row">
        <label className="field">
          <span>{t('admin.username')}</span>
          <input
            data-testid="operator-create-username"
            required
            minLength={3}
            maxLength={64}
            pattern="[a-z0-9._\-]+"
            autoComplete="off"
            value={username}
            title={t('admin.usernameHint')}
            onChange={(e) => setUsername(e.target.value)}
          />
          <small className="muted">{t('admin.usernameHint')}</small>
        </label>
        <label className="field">
          <span>{t('admin.password')}</span>
          <input
            data-testid="operator-create-password"
            type="password"
            required
            minLength={12}
            maxLength={128}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <small className="muted">{t('admin.passwordHint')}</small>
        </label>
        <label className="field">
          <span>{t('admin.role')}</span>
          <select
            data-testid="operator-create-role"
            value={role}
            onChange={(e) => setRole(e.target.value as OperatorRole)}
          >
            {OPERATOR_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary" data-testid="operator-create-submit" disabled={busy}>
          {busy ? t('admin.creating') : t('admin.create')}
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="operator-create-error">
          {error}
        </p>
      )}
    </form>
  );
}

function OperatorRow({
  operator,
  isMe,
  onChange,
}: {
  operator: Operator;
  isMe: boolean;
  onChange: (id: string, patch: { role?: OperatorRole; disabled?: boolean }) => Promise<void>;
}) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const change = async (patch: { role?: OperatorRole; disabled?: boolean }) => {
    setBusy(true);
    await onChange(operator.id, patch);
    setBusy(false);
  };
  return (
    <tr
      data-testid="operator-row"
      data-username={operator.username}
      data-disabled={String(operator.disabled)}
    >
      <td>
        <strong>{operator.username}</strong> {isMe && <span className="muted small">{t('admin.you')}</span>}
      </td>
      <td>
        <select
          data-testid="operator-role"
          aria-label={t('admin.roleOf', { username: operator.username })}
          value={operator.role}
          disabled={busy}
          onChange={(e) => change({ role: e.target.value as OperatorRole })}
        >
          {OPERATOR_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <span className={operator.disabled ? 'badge status-deleted' : 'badge status-active'}>
          {t(operator.disabled ? 'admin.disabled' : 'admin.enabled')}
        </span>
      </td>
      <td>{formatDateTime(operator.lastLoginAt, locale)}</td>
      <td>
        <button
          type="button"
          className={operator.disabled ? 'button secondary' : 'button danger-outline'}
          data-testid="operator-toggle-disabled"
          disabled={busy}
          onClick={() => change({ disabled: !operator.disabled })}
        >
          {t(operator.disabled ? 'admin.enable' : 'admin.disable')}
        </button>
      </td>
    </tr>
  );
}

/** Operators: list, create, change role, disable or enable. */
export function OperatorsSection() {
  const { t } = useI18n();
  const me = useOperator();
  const { state, reload } = useAsync('operators', (signal) =>
    api<Page<Operator>>('/v1/operators', { query: { limit: 500 }, signal }),
  );
  const [notice, setNotice] = useState<Notice>(null);

  const update = async (id: string, patch: { role?: OperatorRole; disabled?: boolean }) => {
    try {
      const updated = await api<Operator>(`/v1/operators/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        body: patch,
      });
      setNotice({ kind: 'ok', text: t('admin.updated', { username: updated.username }) });
    } catch (err) {
      setNotice({ kind: 'error', text: adminErrorText(t, err) });
    }
    reload();
  };

  return (
    <section className="card" aria-labelledby="operators-h">
      <div className="card-head">
        <h2 id="operators-h">{t('admin.operators')}</h2>
      </div>
      {notice && (
        <p
          className={notice.kind === 'ok' ? 'notice' : 'form-error'}
          role={notice.kind === 'ok' ? 'status' : 'alert'}
          data-testid="operator-notice"
        >
          {notice.text}
        </p>
      )}
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading />}
      {state.status !== 'error' && state.data && state.data.data.length === 0 && <Empty>—</Empty>}
      {state.status !== 'error' && state.data && state.data.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.col.username')}</th>
              <th scope="col">{t('admin.col.role')}</th>
              <th scope="col">{t('admin.col.status')}</th>
              <th scope="col">{t('admin.col.lastLogin')}</th>
              <th scope="col">{t('admin.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {state.data.data.map((operator) => (
              <OperatorRow
                key={operator.id}
                operator={operator}
                isMe={operator.id === me.id}
                onChange={update}
              />
            ))}
          </tbody>
        </table>
      )}
      <CreateOperatorForm
        onCreated={(username) => {
          setNotice({ kind: 'ok', text: t('admin.created', { username }) });
          reload();
        }}
      />
    </section>
  );
}
