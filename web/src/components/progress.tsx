/**
 * A horizontal bar filled to `fraction` (0..1), announced as a progressbar. A null fraction is
 * work of unknown size: the bar shows no fill and the value text says what is known.
 */
export function ProgressBar({
  fraction,
  label,
  valueText,
  testId,
}: {
  fraction: number | null;
  /** What the bar measures, for screen readers. */
  label: string;
  /** The progress in words ("120 of 300"), for screen readers and the tooltip. */
  valueText: string;
  testId?: string;
}) {
  const percent = fraction === null ? null : Math.round(Math.min(Math.max(fraction, 0), 1) * 1000) / 10;
  return (
    <div
      className={percent === null ? 'progress indeterminate' : 'progress'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={valueText}
      title={valueText}
      data-testid={testId}
      data-percent={percent ?? ''}
    >
      <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
    </div>
  );
}
