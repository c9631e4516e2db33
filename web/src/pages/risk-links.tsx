// The linked-accounts graph of a case's member: the devices and IPs of their checks and every
// other member seen on them, drawn with a force layout, with the linked members listed as links
// below (the text a screen reader gets, and a way to open a neighbour).
import { useMemo } from 'react';
import { api } from '../api/client.ts';
import { EChart } from '../components/echart.tsx';
import { ErrorState, Loading } from '../components/states.tsx';
import { useAsync } from '../lib/use-async.ts';
import { type LinkCategory, linksOption } from './risk-charts.ts';
import type { LinkGraph } from './risk-types.ts';
import { MemberLink, type RiskText } from './risk-widgets.tsx';

function Graph({ graph, text }: { graph: LinkGraph; text: RiskText }) {
  const { t } = text;
  const option = useMemo(
    () =>
      linksOption(
        graph,
        (c: LinkCategory) => t(`links.kind.${c === 'fraud' ? 'fraud' : c}`),
        (n) => t('links.checks', { n }),
      ),
    [graph, t],
  );
  const members = graph.nodes.filter((n) => n.kind === 'member');
  const hubs = graph.nodes.length - members.length;
  const others = members.filter((n) => n.id !== graph.memberId);
  return (
    <>
      {graph.truncated && (
        <p className="warning-notice small" data-testid="risk-links-truncated">
          {t('links.truncated')}
        </p>
      )}
      {hubs === 0 && <p className="muted">{t('links.noHubs')}</p>}
      {hubs > 0 && others.length === 0 && <p className="muted">{t('links.alone')}</p>}
      {hubs > 0 && (
        <EChart
          testId="risk-links-graph"
          option={option}
          points={graph.nodes.length}
          height={380}
          label={t('links.summary', { members: members.length, hubs })}
        />
      )}
      {others.length > 0 && (
        <>
          <h3 className="small risk-linked-title">{t('links.members')}</h3>
          <ul className="risk-linked" data-testid="risk-linked-members">
            {others.map((node) => (
              <li key={node.id} data-testid="risk-linked-member" data-fraud={node.fraud ? 'true' : 'false'}>
                <MemberLink id={node.id} />
                {node.fraud && <span className="badge status-deleted">{t('links.fraud')}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

export function LinksCard({ memberId, text }: { memberId: string | null; text: RiskText }) {
  const { t } = text;
  const path = memberId ? `/v1/risk/members/${encodeURIComponent(memberId)}/links` : null;
  const { state, reload } = useAsync(path, (signal) => api<LinkGraph>(path ?? '', { signal }));
  return (
    <section className="card" aria-labelledby="risk-links-h" data-testid="risk-links">
      <h2 id="risk-links-h">{t('links.title')}</h2>
      <p className="muted small">{t('links.hint')}</p>
      {path === null && <p className="muted">{t('links.noMember')}</p>}
      {path !== null && state.status === 'error' && (
        <ErrorState scope="section" error={state.error} onRetry={reload} />
      )}
      {path !== null && state.status === 'loading' && !state.data && <Loading scope="section" />}
      {path !== null && state.status !== 'error' && state.data && <Graph graph={state.data} text={text} />}
    </section>
  );
}
