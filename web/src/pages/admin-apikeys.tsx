import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { API_KEY_SCOPES, type ApiKey, type CreatedApiKey, type Page } from '../api/types.ts';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';
import { adminErrorText } from './admin-operators.tsx';

/** The new key, shown this once: copy it now or lose it. */
function SecretOnce({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      // No clipboard permission (plain http): select the text so Ctrl+C works.
      const element = document.querySelector('[data-testid="apikey-secret"]');
      if (element) window.getSelection()?.selectAllChildren(element);
    }
  };
  return (
    <div className="secret-box" role="alert" aria-labelledby="secret-h">
      <h3 id="secret-h">{t('admin.keyCreated', { name: created.name })}</h3>
      <p className="warning-text">⚠ {t('admin.keyOnce')}</p>
      <div className="secret-row">
        <code data-testid="apikey-secret">{created.key}</code>
        <button type="button" className="button primary" data-testid="apikey-copy" onClick={copy}>
          {copied ? t('admin.copied') : t('admin.copy')}
        </button>
        <button type="button" className="button secondary" data-testid="apikey-secret-done" onClick={onDone}>
          {t('admin.done')}
        </button>
      </div>
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (created: CreatedApiKey) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (scope: string, on: boolean) =>
    setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (scopes.length === 0) {
      setError(t('admin.needScope'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const ordered = API_KEY_SCOPES.filter((s) => scopes.includes(s));
      const created = await api<CreatedApiKey>('/v1/api-keys', {
        method: 'POST',
        body: { name: name.trim(), scopes: ordered },
      });
      setName('');
      setScopes([]);
      onCreated(created);
    } catch (err) {
      setError(adminErrorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="create-form" onSubmit={submit} aria-labelledby="create-key-h">
      <h3 id="create-key-h">{t('admin.createKey')}</h3>
      <label className="field">
        <span>{t('admin.keyName')}</span>
        <input
          data-testid="apikey-create-name"
          required
          maxLength={100}
          value={name}
          placeholder={t('admin.keyNamePlaceholder')}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <fieldset className="scopes">
        <legend>{t('admin.scopes')}</legend>
        {API_KEY_SCOPES.map((scope) => (
          <label key={scope} className="checkbox">
            <input
              type="checkbox"
              data-testid={`apikey-scope-${scope}`}
              value={scope}
              checked={scopes.includes(scope)}
              onChange={(e) => toggle(scope, e.target.checked)}
            />
            <span className="mono">{scope}</span>
          </label>
        ))}
        <button type="button" className="button link" onClick={() => setScopes([...API_KEY_SCOPES])}>
          {t('admin.selectAll')}
        </button>
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="apikey-create-error">
          {error}
        </p>
      )}
      <button type="submit" className="button primary" data-testid="apikey-create-submit" disabled={busy}>
        {busy ? t('admin.creating') : t('admin.create')}
      </button>
    </form>
  );
}

function KeyRow({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: (key: ApiKey) => Promise<void> }) {
  const { t, locale } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const revoked = apiKey.revokedAt !== null;
  return (
    <tr
      data-testid="apikey-row"
      data-key-id={apiKey.id}
      data-name={apiKey.name}
      data-revoked={String(revoked)}
    >
      <td>
        <strong>{apiKey.name}</strong>
      </td>
      <td className="mono">{apiKey.prefix}…</td>
      <td className="scope-list">
        {apiKey.scopes.map((scope) => (
          <span key={scope} className="badge scope">
            {scope}
          </span>
        ))}
      </td>
      <td className="nowrap">{formatDateTime(apiKey.createdAt, locale)}</td>
      <td className="nowrap">{formatDateTime(apiKey.lastUsedAt, locale)}</td>
      <td>
        {revoked && <span className="badge status-deleted">{t('admin.revoked')}</span>}
        {!revoked && !confirming && (
          <button
            type="button"
            className="button danger-outline"
            data-testid="apikey-revoke"
            onClick={() => setConfirming(true)}
          >
            {t('admin.revoke')}
          </button>
        )}
        {!revoked && confirming && (
          <span className="confirm">
            <span className="small">{t('admin.revokeConfirm', { name: apiKey.name })}</span>
            <button
              type="button"
              className="button danger"
              data-testid="apikey-revoke-confirm"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                await onRevoke(apiKey);
                setBusy(false);
                setConfirming(false);
              }}
            >
              {t('admin.revokeYes')}
            </button>
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </span>
        )}
      </td>
    </tr>
  );
}

/** API keys: list (optionally with revoked ones), create with scopes (secret shown once), revoke. */
export function ApiKeysSection() {
  const { t } = useI18n();
  const [showRevoked, setShowRevoked] = useState(false);
  const { state, reload } = useAsync(`apikeys:${showRevoked}`, (signal) =>
    api<Page<ApiKey>>('/v1/api-keys', { query: { limit: 500, includeRevoked: showRevoked }, signal }),
  );
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await api<void>(`/v1/api-keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
    } catch (err) {
      setError(adminErrorText(t, err));
    }
    reload();
  };
  const keys = state.data?.data ?? [];

  return (
    <section className="card" aria-labelledby="apikeys-h">
      <div className="card-head">
        <h2 id="apikeys-h">{t('admin.apiKeys')}</h2>
        <label className="checkbox">
          <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
          <span>{t('admin.showRevoked')}</span>
        </label>
      </div>
      {created && <SecretOnce created={created} onDone={() => setCreated(null)} />}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {state.status === 'error' && <ErrorState scope="section" error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !state.data && <Loading scope="section" />}
      {state.status !== 'error' && state.data && keys.length === 0 && (
        <Empty scope="section">{t('admin.keysEmpty')}</Empty>
      )}
      {state.status !== 'error' && keys.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.col.name')}</th>
              <th scope="col">{t('admin.col.prefix')}</th>
              <th scope="col">{t('admin.col.scopes')}</th>
              <th scope="col">{t('admin.col.created')}</th>
              <th scope="col">{t('admin.col.lastUsed')}</th>
              <th scope="col">{t('admin.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <KeyRow key={key.id} apiKey={key} onRevoke={revoke} />
            ))}
          </tbody>
        </table>
      )}
      <CreateKeyForm
        onCreated={(key) => {
          setCreated(key);
          reload();
        }}
      />
    </section>
  );
}
