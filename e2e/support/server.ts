// A real Membrain server for the browser tests: a temp SQLite file, a seeded demo shop, its
// daily statistics, one operator per role with a known password, the built dashboard, and a
// listening port chosen by the OS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { ensureWebBuild } from '../../src/cli/web-build.ts';
import { loadConfig } from '../../src/config.ts';
import { type AppContext, createContext } from '../../src/context.ts';
import { generateDemoShop, runDemoInsights, runDemoLoyalty } from '../../src/demo/index.ts';
import type { OperatorRole } from '../../src/http/scopes.ts';
import { getMember } from '../../src/modules/members/index.ts';
import { createOperator } from '../../src/modules/operators/index.ts';
import { rebuildDailyStats } from '../../src/modules/stats/index.ts';

/** The demo shop every e2e server holds: small enough to generate in about a second. */
export const DEMO_MEMBERS = 300;
export const DEMO_SEED = 7;
/** Fixed so a failing run can be reproduced by opening the kept database with the same key. */
const E2E_MASTER_KEY = 'e2'.repeat(32);

/** Operators created on every e2e server: username = role, one known password each. */
export const OPERATOR_PASSWORDS: Readonly<Record<OperatorRole, string>> = {
  admin: 'admin-e2e-password-1',
  operator: 'operator-e2e-password-1',
  analyst: 'analyst-e2e-password-1',
  auditor: 'auditor-e2e-password-1',
};

export interface E2eServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  ctx: AppContext;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A demo member as stored (decrypted server-side, in full), for tests that search and compare. */
export interface DemoMember {
  id: string;
  email: string;
  phone: string | null;
  name: string | null;
}

async function createOperators(ctx: AppContext): Promise<void> {
  const actor = { actorType: 'system', actorId: 'e2e' };
  for (const [role, password] of Object.entries(OPERATOR_PASSWORDS) as [OperatorRole, string][]) {
    await createOperator(ctx, { username: role, password, role }, actor);
  }
}

/** Starts a server on 127.0.0.1 with a port chosen by the OS; close() removes every file it made. */
export async function startServer(): Promise<E2eServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'membrain-e2e-'));
  const config = loadConfig({
    env: {},
    overrides: {
      databaseUrl: `sqlite:${join(dataDir, 'membrain.db')}`,
      dataDir,
      masterKey: E2E_MASTER_KEY,
      logLevel: 'warn',
      demo: { enabled: false },
      // Cheap hashing keeps logins quick; every test logs in from the same address, so the
      // per-address throttle is raised (the per-account one stays as configured).
      argon2: { memoryCost: 64, timeCost: 1, parallelism: 1 },
      auth: { loginPerIp: { max: 1000, windowSeconds: 60 } },
    },
  });
  const ctx = await createContext(config);
  try {
    const shop = await generateDemoShop(ctx, { members: DEMO_MEMBERS, seed: DEMO_SEED });
    await rebuildDailyStats(ctx);
    // As on a first start: the default programme with the shop's loyalty history.
    await runDemoLoyalty(ctx, { from: shop.from, to: shop.to });
    // Recommendations are left out: the one suite that needs them trains them itself, and the
    // training would cost every other suite's server start.
    await runDemoInsights(ctx, { recommendations: false });
    await createOperators(ctx);
    await ensureWebBuild();
    const app = await buildApp(ctx, { docs: false });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      url: url.replace(/\/$/, ''),
      ctx,
      app,
      async close() {
        const closing = app.close();
        // Keep-alive sockets (a browser's, a fetch's) would hold the close for the keep-alive timeout.
        app.server.closeAllConnections();
        await closing;
        await ctx.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The first demo member (by id) that has an email, decrypted through the members service. */
export async function demoMemberWithEmail(ctx: AppContext): Promise<DemoMember> {
  const rows = await ctx.db.selectFrom('members').select('id').orderBy('id').limit(50).execute();
  for (const { id } of rows) {
    const member = await getMember(ctx, id, 'full');
    if (member.email) return { id, email: member.email, phone: member.phone, name: member.name };
  }
  throw new Error('no demo member with an email among the first 50');
}

/** How many entries of `action` on `targetId` the audit log holds. */
export async function countAudit(ctx: AppContext, action: string, targetId: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('auditLog')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', action)
    .where('targetId', '=', targetId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
