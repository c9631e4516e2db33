import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../../testing/test-context.ts';
import { upsertMember } from './index.ts';

const secret = {
  name: 'Quentin Oyelaran-Szabo',
  email: 'quentin.distinctive.7731@example.org',
  phone: '+44 7700 900 731',
};

/** The database file and its write-ahead log, as raw bytes. */
function databaseBytes(path: string): Buffer {
  const parts = [path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p));
  return Buffer.concat(parts);
}

function expectNoPersonalData(bytes: Buffer): void {
  for (const value of [
    secret.name,
    secret.email,
    secret.phone,
    '447700900731',
    'Oyelaran',
    'quentin.distinctive',
  ]) {
    expect(bytes.includes(Buffer.from(value, 'utf8')), `"${value}" is on disk`).toBe(false);
  }
}

describe('personal data at rest in a SQLite file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores name, email and phone only as ciphertext, in the file and in its WAL', async () => {
    dir = mkdtempSync(join(tmpdir(), 'membrain-at-rest-'));
    const path = join(dir, 'm.db');
    const ctx = await createTestContext(
      { name: 'sqlite', url: `sqlite:${path}` },
      { config: { dataDir: dir } },
    );
    try {
      await ctx.db
        .transaction()
        .execute((trx) =>
          upsertMember(
            ctx,
            trx,
            { id: 'at-rest-member-1', ...secret },
            { actorType: 'system', actorId: 'test' },
          ),
        );
      // While open, the row lives in the WAL; check both files now and after the checkpoint on close.
      const open = databaseBytes(path);
      expect(open.includes(Buffer.from('at-rest-member-1'))).toBe(true);
      expectNoPersonalData(open);
    } finally {
      await ctx.close();
    }
    const closed = databaseBytes(path);
    expect(closed.includes(Buffer.from('at-rest-member-1')), 'the row reached the file').toBe(true);
    expectNoPersonalData(closed);
  });
});
