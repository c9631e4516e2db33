// The segment builder's live count: the draft's definition sent to POST /v1/segments/preview
// once it has stopped changing, the size and a sample of members as links.
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { SegmentPreview } from '../api/intelligence-types.ts';
import { describeError } from '../components/states.tsx';
import { formatNumber } from '../lib/format.ts';
import { useDebounced } from '../lib/use-async.ts';
import { type IntelText, MemberLink } from './value-widgets.tsx';

/** The live count's state: nothing to count, counting, the answer, or the API's refusal. */
export type Live =
  | { status: 'idle' }
  | { status: 'busy' }
  | { status: 'ok'; preview: SegmentPreview }
  | { status: 'error'; error: unknown };

/** POST /v1/segments/preview with the definition once it has stopped changing for 0.4 s. */
export function useLiveCount(definition: string | null): Live {
  const settled = useDebounced(definition, 400);
  const [live, setLive] = useState<Live>({ status: 'idle' });
  useEffect(() => {
    if (settled === null) {
      setLive({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setLive({ status: 'busy' });
    api<SegmentPreview>('/v1/segments/preview', {
      method: 'POST',
      body: { definition: JSON.parse(settled) },
      signal: controller.signal,
    }).then(
      (preview) => setLive({ status: 'ok', preview }),
      (error: unknown) => {
        if (!controller.signal.aborted) setLive({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [settled]);
  // Between an edit and its answer the count is stale: say so at once.
  return definition !== settled && definition !== null ? { status: 'busy' } : live;
}

/** The count beside the builder, with up to 20 matching members as links. */
export function LiveCount({ live, blocked, text }: { live: Live; blocked: boolean; text: IntelText }) {
  const { t, tMain, locale } = text;
  const busy = live.status === 'busy';
  return (
    <section
      className="card preview-card"
      data-testid="seg-live"
      aria-busy={busy}
      aria-labelledby="seg-live-h"
    >
      <h2 id="seg-live-h">{t('se.live')}</h2>
      {blocked && <p className="muted small">{t('se.liveFix')}</p>}
      {!blocked && busy && <p className="muted small">{t('se.liveBusy')}</p>}
      {!blocked && live.status === 'error' && (
        <p className="form-error small" data-testid="seg-live-error">
          {t('se.liveFailed', { message: describeError(tMain, live.error) })}
        </p>
      )}
      {!blocked && live.status === 'ok' && (
        <>
          <p className="live-count" data-testid="seg-live-count" data-value={live.preview.size}>
            {t('se.liveCount', { n: formatNumber(live.preview.size, locale) })}
          </p>
          <h3 className="intel-h3">{t('se.sample')}</h3>
          {live.preview.sample.length === 0 ? (
            <p className="muted small">{t('se.noSample')}</p>
          ) : (
            <div className="chip-list" data-testid="seg-live-sample">
              {live.preview.sample.map((id) => (
                <MemberLink key={id} id={id} testId="seg-sample-member" />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
