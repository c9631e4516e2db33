import { type FormEvent, useState } from 'react';
import { mayRevealPii } from '../access.ts';
import { ApiError, api } from '../api/client.ts';
import { useOperator } from '../api/session.tsx';
import type { Member, MemberStatus, Page } from '../api/types.ts';
import { Pager, useCursorPages } from '../components/pager.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAsync, useDebounced } from '../lib/use-async.ts';

const PAGE_SIZE = 25;

export type SearchKind = 'id' | 'email' | 'phone';

/** One box for three lookups: an email has '@', a phone is ≥ 7 digits with + spaces dashes, else an id. */
export function searchKindOf(text: string): SearchKind {
  if (text.includes('@')) return 'email';
  if (/^\+?[\d\s-]+$/.test(text) && text.replace(/\D/g, '').length >= 7) return 'phone';
  return 'id';
}

interface Search {
  kind: SearchKind;
  value: string;
}

interface Filters {
  status: '' | MemberStatus;
  region: string;
}

async function loadMembers(
  search: Search | null,
  filters: Filters,
  cursor: string | undefined,
  signal: AbortSignal,
): Promise<Page<Member>> {
  if (search?.kind === 'id') {
    try {
      const member = await api<Member>(`/v1/members/${encodeURIComponent(search.value)}`, {
        query: { pii: 'masked' },
        signal,
      });
      return { data: [member], nextCursor: null };
    } catch (error) {
      // An unknown id, or one that is not an id at all, is simply no match.
      if (error instanceof ApiError && (error.status === 404 || error.status === 400))
        return { data: [], nextCursor: null };
      throw error;
    }
  }
  return api<Page<Member>>('/v1/members', {
    query: {
      pii: 'masked',
      limit: PAGE_SIZE,
      cursor,
      status: filters.status,
      region: filters.region.trim(),
      email: search?.kind === 'email' ? search.value : undefined,
      phone: search?.kind === 'phone' ? search.value : undefined,
    },
    signal,
  });
}

function MemberRow({ member, locale }: { member: Member; locale: string }) {
  const { t } = useI18n();
  const href = `/members/${encodeURIComponent(member.id)}`;
  return (
    <tr
      data-testid="member-row"
      data-member-id={member.id}
      className="clickable"
      onClick={() => navigate(href)}
    >
      <td>
        <Link to={href} className="mono" onClick={(e) => e.stopPropagation()}>
          {member.id}
        </Link>
      </td>
      <td>{member.name ?? t('common.none')}</td>
      <td>{member.email ?? t('common.none')}</td>
      <td>{member.phone ?? t('common.none')}</td>
      <td>{member.region ?? t('common.none')}</td>
      <td>
        <span className={`badge status-${member.status}`}>{t(`status.${member.status}`)}</span>
      </td>
      <td>{formatDateTime(member.registeredAt, locale)}</td>
    </tr>
  );
}

function MembersTable({ members }: { members: Member[] }) {
  const { t, locale } = useI18n();
  return (
    <table className="table">
      <caption className="visually-hidden">{t('members.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('members.col.id')}</th>
          <th scope="col">{t('members.col.name')}</th>
          <th scope="col">{t('members.col.email')}</th>
          <th scope="col">{t('members.col.phone')}</th>
          <th scope="col">{t('members.col.region')}</th>
          <th scope="col">{t('members.col.status')}</th>
          <th scope="col">{t('members.col.registered')}</th>
        </tr>
      </thead>
      <tbody>
        {members.map((member) => (
          <MemberRow key={member.id} member={member} locale={locale} />
        ))}
      </tbody>
    </table>
  );
}

/** The one search box; a search replaces the list until cleared. */
function SearchForm({ active, onSearch }: { active: boolean; onSearch: (search: Search | null) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    onSearch(value ? { kind: searchKindOf(value), value } : null);
  };
  return (
    <form className="search-form" onSubmit={submit}>
      <label className="field grow">
        <span>{t('members.searchLabel')}</span>
        <input
          data-testid="member-search-input"
          type="search"
          value={text}
          maxLength={254}
          placeholder={t('members.searchPlaceholder')}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button type="submit" className="button primary" data-testid="member-search-submit">
        {t('members.searchSubmit')}
      </button>
      {active && (
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            setText('');
            onSearch(null);
          }}
        >
          {t('members.clearSearch')}
        </button>
      )}
    </form>
  );
}

interface FilterFormProps {
  status: Filters['status'];
  region: string;
  onStatus: (status: Filters['status']) => void;
  onRegion: (region: string) => void;
}

/** Status applies at once; the region as typing pauses. Deleted members only for operators and admins. */
function FilterForm({ status, region, onStatus, onRegion }: FilterFormProps) {
  const { t } = useI18n();
  const operator = useOperator();
  const statuses: MemberStatus[] = mayRevealPii(operator.role)
    ? ['active', 'suspended', 'deleted']
    : ['active', 'suspended'];
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        <span>{t('members.filterStatus')}</span>
        <select
          data-testid="member-filter-status"
          value={status}
          onChange={(e) => onStatus(e.target.value as Filters['status'])}
        >
          <option value="">{t('common.any')}</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('members.filterRegion')}</span>
        <input
          data-testid="member-filter-region"
          value={region}
          maxLength={64}
          placeholder={t('members.filterRegionPlaceholder')}
          onChange={(e) => onRegion(e.target.value)}
        />
      </label>
    </form>
  );
}

/** The member list: exact search by id, email or phone; status and region filters; pages. */
export function MembersPage() {
  const { t } = useI18n();
  const [search, setSearch] = useState<Search | null>(null);
  const [status, setStatus] = useState<Filters['status']>('');
  const [regionInput, setRegionInput] = useState('');
  const region = useDebounced(regionInput, 400);
  const pages = useCursorPages();
  const key = JSON.stringify({ search, status, region, cursor: pages.cursor });
  const { state, reload } = useAsync(key, (signal) =>
    loadMembers(search, { status, region }, pages.cursor, signal),
  );
  const page = state.data;
  const shown = state.status !== 'error' && page;

  return (
    <div className="page">
      <div className="page-header">
        <h1>{t('members.title')}</h1>
      </div>
      <div className="card toolbar">
        <SearchForm
          active={search !== null}
          onSearch={(next) => {
            setSearch(next);
            pages.reset();
          }}
        />
        <FilterForm
          status={status}
          region={regionInput}
          onStatus={(next) => {
            setStatus(next);
            pages.reset();
          }}
          onRegion={(next) => {
            setRegionInput(next);
            pages.reset();
          }}
        />
      </div>
      {search && (
        <p className="muted" role="status">
          {t('members.searchingBy', { kind: t(`members.kind.${search.kind}`), value: search.value })}
        </p>
      )}
      {state.status === 'error' && <ErrorState error={state.error} onRetry={reload} />}
      {state.status === 'loading' && !page && <Loading />}
      {shown && page.data.length === 0 && <Empty>{t('members.empty')}</Empty>}
      {shown && page.data.length > 0 && (
        <div className={state.status === 'loading' ? 'card table-card refreshing' : 'card table-card'}>
          <MembersTable members={page.data} />
          <Pager
            prefix="members"
            page={pages.page}
            nextCursor={page.nextCursor}
            busy={state.status === 'loading'}
            onNext={pages.next}
            onPrevious={pages.previous}
            note={t('members.maskedNote')}
          />
        </div>
      )}
    </div>
  );
}
