import type { ReactNode } from 'react';

/**
 * A labelled control with its hint, or the server's message for it (`<testId>-error`) in the
 * hint's place. The control is the child, so the label names it without an id.
 */
export function FormField({
  label,
  hint,
  error,
  testId,
  className,
  children,
}: {
  label: string;
  hint?: string;
  error?: string;
  testId: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed in as `children`.
    <label className={`field${className ? ` ${className}` : ''}`}>
      <span>{label}</span>
      {children}
      {error ? (
        <small className="field-error" data-testid={`${testId}-error`}>
          {error}
        </small>
      ) : (
        hint && <small className="muted">{hint}</small>
      )}
    </label>
  );
}
