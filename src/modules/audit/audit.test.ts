import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { runAuditVerify } from '../../cli/audit.command.ts';
import { bearer, operatorToken } from '../../testing/credentials.ts';
import { createTestContext, type TestContext, testDatabases } from '../../testing/test-context.ts';
import { appendAudit, verifyAuditChain } from './index.ts';

describe.each(testDatabases())('the audit log on $name', (database) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let auditor: { authorization: string };

  /** Appends `n` entries, one per transaction, a minute apart. */
  async function appendEntries(n: number): Promise<void> {
    for (let i = 1; i <= n; i += 1) {
      await ctx.db.transaction().execute((trx) =>
        appendAudit(ctx, trx, {
          actorType: 'operator',
          actorId: i % 2 === 0 ? 'op_even' : 'op_odd',
          action: i % 3 === 0 ? 'member.delete' : 'member.update',
          targetType: 'member',
          targetId: `m-${i}`,
          details: { fields: ['name'] },
        }),
      );
      ctx.clock.advance(60_000);
    }
  }

  beforeEach(async () => {
    ctx = await createTestContext(database);
    app = await buildApp(ctx, { docs: false });
    auditor = bearer((await operatorToken(ctx, 'auditor')).token);
    await appendEntries(7);
  });
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
  });

  describe('verification', () => {
    it('finds an intact chain intact, also when read in small pages', async () => {
      expect(await verifyAuditChain(ctx)).toEqual({ ok: true, entries: 7, checkedThrough: 7, problems: [] });
      expect((await verifyAuditChain(ctx, { pageSize: 2 })).ok).toBe(true);
      const lines: string[] = [];
      expect(await runAuditVerify(ctx, (line) => lines.push(line))).toBe(true);
      expect(lines).toContain('audit chain OK');
    });

    it('reports an entry whose details were changed', async () => {
      await sql`update audit_log set details = ${'{"fields":["email"]}'} where seq = ${3}`.execute(ctx.db);
      const result = await verifyAuditChain(ctx, { pageSize: 2 });
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([expect.objectContaining({ seq: 3, kind: 'hash-mismatch' })]);
    });

    it('reports a changed entry whose stored hash was rewritten as a broken link', async () => {
      await sql`update audit_log set actor_id = ${'someone'}, hash = ${'f'.repeat(64)} where seq = ${4}`.execute(
        ctx.db,
      );
      const kinds = (await verifyAuditChain(ctx)).problems.map((p) => [p.seq, p.kind]);
      expect(kinds).toEqual([
        [4, 'hash-mismatch'],
        [5, 'broken-link'],
      ]);
    });

    it('reports a deleted entry in the middle as missing and the link after it as broken', async () => {
      await sql`delete from audit_log where seq = ${3}`.execute(ctx.db);
      const result = await verifyAuditChain(ctx);
      expect(result.ok).toBe(false);
      expect(result.entries).toBe(6);
      expect(result.problems).toEqual([
        expect.objectContaining({ seq: 3, kind: 'missing', count: 1 }),
        expect.objectContaining({ seq: 4, kind: 'broken-link' }),
      ]);
    });

    it('reports a cut-off tail through the head row', async () => {
      await sql`delete from audit_log where seq = ${7}`.execute(ctx.db);
      const result = await verifyAuditChain(ctx);
      expect(result).toMatchObject({ ok: false, entries: 6, checkedThrough: 6 });
      expect(result.problems).toEqual([expect.objectContaining({ seq: 7, kind: 'head-mismatch' })]);
      const lines: string[] = [];
      expect(await runAuditVerify(ctx, (line) => lines.push(line))).toBe(false);
      expect(lines.join('\n')).toContain('head-mismatch');
    });

    it('serves the verification over HTTP to an auditor', async () => {
      await sql`update audit_log set details = ${'{}'} where seq = ${2}`.execute(ctx.db);
      const res = await app.inject({ method: 'GET', url: '/v1/audit/verify', headers: auditor });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        ok: false,
        entries: 7,
        problems: [{ seq: 2, kind: 'hash-mismatch' }],
      });
    });
  });

  describe('reading the log', () => {
    const list = (query: string, headers = auditor) =>
      app.inject({ method: 'GET', url: `/v1/audit?${query}`, headers });

    it('lists entries newest first with their hashes, a page at a time', async () => {
      const first = await list('limit=4');
      expect(first.statusCode).toBe(200);
      const page1 = first.json();
      expect(page1.data.map((e: { seq: number }) => e.seq)).toEqual([7, 6, 5, 4]);
      expect(page1.data[0]).toMatchObject({
        action: 'member.update',
        actorId: 'op_odd',
        targetId: 'm-7',
        details: { fields: ['name'] },
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(page1.data[0].prevHash).toBe(page1.data[1].hash);
      const page2 = (await list(`limit=4&cursor=${page1.nextCursor}`)).json();
      expect(page2.data.map((e: { seq: number }) => e.seq)).toEqual([3, 2, 1]);
      expect(page2.nextCursor).toBeNull();
    });

    it('filters by actor, action, target and time', async () => {
      const seqs = async (query: string) =>
        (await list(query)).json().data.map((e: { seq: number }) => e.seq);
      expect(await seqs('actorId=op_even')).toEqual([6, 4, 2]);
      expect(await seqs('action=member.delete')).toEqual([6, 3]);
      expect(await seqs('targetType=member&targetId=m-5')).toEqual([5]);
      const start = ctx.clock.now() - 7 * 60_000;
      const from = new Date(start + 60_000).toISOString();
      const to = new Date(start + 3 * 60_000).toISOString();
      expect(await seqs(`from=${from}&to=${to}`)).toEqual([3, 2]);
    });

    it('is for holders of audit:read only', async () => {
      const analyst = bearer((await operatorToken(ctx, 'analyst')).token);
      expect((await list('', analyst)).statusCode).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/v1/audit/verify' })).statusCode).toBe(401);
      const admin = bearer((await operatorToken(ctx, 'admin')).token);
      expect((await list('', admin)).statusCode).toBe(200);
    });
  });
});
