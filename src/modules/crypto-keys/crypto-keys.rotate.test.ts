import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKeysStatus } from '../../cli/keys.command.ts';
import { PiiCipher } from '../../crypto/pii-cipher.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { listAuditEntries } from '../audit/index.ts';
import {
  ENCRYPTED_COLUMNS,
  findMembersByIds,
  piiAad,
  replaceMemberCiphertexts,
  upsertMember,
} from '../members/index.ts';
import { listDataKeys } from './crypto-keys.repository.ts';
import { dataKeyStatus, type RotateProgress, rotateDataKey } from './crypto-keys.rotate.ts';
import { loadDataKeys } from './crypto-keys.service.ts';

const system = { actorType: 'system', actorId: 'test' };
const idOf = (i: number) => `k-${String(i).padStart(4, '0')}`;

describe.each(testDatabases())('data key rotation on $name', (database) => {
  let ctx: TestContext;
  let ids: string[];

  beforeEach(async () => {
    ctx = await createTestContext(database);
    ids = Array.from({ length: 250 }, (_, i) => idOf(i));
    await ctx.db.transaction().execute(async (trx) => {
      for (const [i, id] of ids.entries()) {
        const input = {
          id,
          name: `Member ${i}`,
          email: `k${i}@example.com`,
          phone: `1370000${String(i).padStart(4, '0')}`,
        };
        // Every fifth member has a birthday and an address too; the rest leave those columns null.
        const extra = i % 5 === 0 ? { birthday: '1985-02-03', address: `${i} Rotation Road` } : {};
        await upsertMember(ctx, trx, { ...input, ...extra }, system);
      }
    });
    // The new key is made a second later, so keys list in creation order.
    ctx.clock.advance(1000);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  /** A cipher that still believes `keyId` is active, like a server that has not noticed the rotation. */
  async function staleCipher(keyId: string): Promise<PiiCipher> {
    const keys = await loadDataKeys(ctx.db, ctx.crypto.wrapKey);
    const cipher = new PiiCipher(async () => keys.map((k) => ({ ...k, active: k.id === keyId })));
    await cipher.reload();
    return cipher;
  }

  it('re-encrypts 250 members in batches of 100 under the new key and retires the old one', async () => {
    const oldKey = ctx.crypto.pii.activeKeyId;
    const before = await findMembersByIds(ctx, ids, 'full');
    const progress: RotateProgress[] = [];
    const result = await rotateDataKey(ctx, { batchSize: 100, onProgress: (p) => void progress.push(p) });

    expect(result).toMatchObject({ reencrypted: 250, passes: 2, retired: [oldKey] });
    expect(ctx.crypto.pii.activeKeyId).toBe(result.keyId);
    expect(progress.filter((p) => p.pass === 1).map((p) => p.done)).toEqual([0, 100, 200, 250]);
    const rows = await ctx.db.selectFrom('members').selectAll().execute();
    for (const row of rows) {
      for (const column of ENCRYPTED_COLUMNS) {
        const value = row[column];
        if (value !== null) expect(value.startsWith(`v1.${result.keyId}.`)).toBe(true);
      }
    }
    expect(await findMembersByIds(ctx, ids, 'full')).toEqual(before);
    const keys = await listDataKeys(ctx.db);
    expect(keys.map((k) => [k.id, k.status])).toEqual([
      [oldKey, 'retired'],
      [result.keyId, 'active'],
    ]);
    expect(keys[0]?.retiredAt).toBe(ctx.clock.now());
    const [entry] = await listAuditEntries(ctx.db, { action: 'datakey.rotate' }, 1);
    expect(JSON.parse(entry!.details)).toEqual({ reencrypted: 250, passes: 2, retired: [oldKey] });
  });

  it('counts the members each key encrypts', async () => {
    const oldKey = ctx.crypto.pii.activeKeyId;
    expect((await dataKeyStatus(ctx)).map((k) => [k.id, k.status, k.members])).toEqual([
      [oldKey, 'active', 250],
    ]);
    const { keyId } = await rotateDataKey(ctx, { batchSize: 100 });
    expect((await dataKeyStatus(ctx)).map((k) => [k.id, k.status, k.members])).toEqual([
      [oldKey, 'retired', 0],
      [keyId, 'active', 250],
    ]);
    const lines: string[] = [];
    await runKeysStatus(ctx, (line) => lines.push(line));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(new RegExp(`^${keyId}\\tactive\\t.*\\t250$`));
  });

  it('picks up rows a server still writes under the old key during the rotation', async () => {
    const oldKey = ctx.crypto.pii.activeKeyId;
    const stale = await staleCipher(oldKey);
    const first = ids[0] as string;
    const result = await rotateDataKey(ctx, {
      batchSize: 100,
      onProgress: async (p) => {
        // After the first batch the first member is already done; a stale server rewrites its name.
        if (p.pass === 1 && p.done === 100) {
          await ctx.db
            .updateTable('members')
            .set({ nameEnc: stale.encrypt('Renamed meanwhile', piiAad(first, 'name')) })
            .where('id', '=', first)
            .execute();
        }
      },
    });
    expect(result.passes).toBe(3);
    expect(result.reencrypted).toBe(251);
    const row = await ctx.db
      .selectFrom('members')
      .selectAll()
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    expect(row.nameEnc?.startsWith(`v1.${result.keyId}.`)).toBe(true);
    expect((await findMembersByIds(ctx, [first], 'full'))[0]?.name).toBe('Renamed meanwhile');
  });

  it('never overwrites a ciphertext that changed after it was read', async () => {
    const row = await ctx.db
      .selectFrom('members')
      .selectAll()
      .where('id', '=', 'k-0001')
      .executeTakeFirstOrThrow();
    await ctx.db
      .updateTable('members')
      .set({ nameEnc: ctx.crypto.pii.encrypt('New', piiAad('k-0001', 'name')) })
      .where('id', '=', 'k-0001')
      .execute();
    const replaced = await replaceMemberCiphertexts(
      ctx.db,
      'k-0001',
      { nameEnc: row.nameEnc! },
      { nameEnc: 'v1.x.y.z.w' },
    );
    expect(replaced).toBe(false);
    expect((await findMembersByIds(ctx, ['k-0001'], 'full'))[0]?.name).toBe('New');
  });

  it('gives up without retiring anything while old-key writes keep coming', async () => {
    const oldKey = ctx.crypto.pii.activeKeyId;
    const stale = await staleCipher(oldKey);
    const rotation = rotateDataKey(ctx, {
      batchSize: 100,
      maxPasses: 3,
      onProgress: async (p) => {
        if (p.done === p.total && p.total > 0) {
          await ctx.db
            .updateTable('members')
            .set({ nameEnc: stale.encrypt(`Again ${p.pass}`, piiAad('k-0000', 'name')) })
            .where('id', '=', 'k-0000')
            .execute();
        }
      },
    });
    await expect(rotation).rejects.toThrow(/still appearing after 3 passes/);
    const statuses = (await listDataKeys(ctx.db)).map((k) => k.status);
    expect(statuses).toEqual(['retiring', 'active']);
  });
});
