import { useState } from 'react';
import { MemberLedger } from './member-ledger.tsx';
import { MemberPoints } from './member-points.tsx';
import { MemberTierPanel } from './member-tier.tsx';

/** Points, tier and the ledger; a change made here (an adjust) reloads all of the points parts. */
export default function LoyaltyPanels({ memberId }: { memberId: string }) {
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <>
      <div className="loyalty-grid">
        <MemberPoints memberId={memberId} version={version} onChanged={changed} />
        <MemberTierPanel memberId={memberId} />
      </div>
      <MemberLedger memberId={memberId} version={version} />
    </>
  );
}
