/** One headline figure: a label over a large value; the title holds the exact value when rounded. */
export function Kpi({
  testId,
  label,
  value,
  exact,
  raw,
  tone,
}: {
  testId?: string;
  label: string;
  value: string;
  exact?: string;
  /** The figure as a plain number (data-value), for tests and tools reading the page. */
  raw?: number;
  /** `warning` draws attention to a figure that needs it (a debt, a failure count). */
  tone?: 'warning';
}) {
  return (
    <div className={tone ? `kpi kpi-${tone}` : 'kpi'}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value" data-testid={testId} data-value={raw} title={exact ?? value}>
        {value}
      </div>
    </div>
  );
}
