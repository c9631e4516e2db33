import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './errors.ts';

// Rows of the form "| `CODE` | 404 | …" in docs/errors.md.
function documentedCodes(): Map<string, number> {
  const text = readFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const match of text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)) {
    rows.set(match[1] as string, Number(match[2]));
  }
  return rows;
}

describe('the error catalogue and docs/errors.md', () => {
  it('documents every code with its HTTP status', () => {
    const documented = documentedCodes();
    const missing = errorCatalogue()
      .filter((e) => documented.get(e.code) !== e.status)
      .map((e) => `${e.code} ${e.status}`);
    expect(missing).toEqual([]);
  });

  it('documents no code that the catalogue does not define', () => {
    const defined = new Set(errorCatalogue().map((e) => e.code));
    const extra = [...documentedCodes().keys()].filter((code) => !defined.has(code));
    expect(extra).toEqual([]);
  });

  it('uses only 4xx statuses except for the internal and unavailable errors', () => {
    const serverSide = errorCatalogue()
      .filter((e) => e.status >= 500)
      .map((e) => e.code);
    expect(serverSide.sort()).toEqual(['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE']);
  });
});
