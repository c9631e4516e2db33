import type { Database } from '../../db/database.ts';
import type { MemberCredentialsTable } from '../members/index.ts';
import type { RefreshTokensTable } from './auth.table.ts';

/** What login needs to know about a member: whether they may sign in, and their password hash. */
export interface LoginAccount {
  memberId: string;
  status: string;
  deletedAt: number | null;
  passwordHash: string | null;
}

// The members module owns the profile; this reads only the columns that decide whether the
// member may sign in, joined with the credential row this module owns.
export async function findLoginAccount(db: Database, memberId: string): Promise<LoginAccount | undefined> {
  return db
    .selectFrom('members')
    .leftJoin('memberCredentials', 'memberCredentials.memberId', 'members.id')
    .select([
      'members.id as memberId',
      'members.status',
      'members.deletedAt',
      'memberCredentials.passwordHash',
    ])
    .where('members.id', '=', memberId)
    .executeTakeFirst();
}

export async function insertCredentials(db: Database, row: MemberCredentialsTable): Promise<void> {
  await db.insertInto('memberCredentials').values(row).execute();
}

export async function updateCredentialsHash(
  db: Database,
  memberId: string,
  passwordHash: string,
  at: number,
): Promise<void> {
  await db
    .updateTable('memberCredentials')
    .set({ passwordHash, updatedAt: at })
    .where('memberId', '=', memberId)
    .execute();
}

export async function insertRefreshToken(db: Database, row: RefreshTokensTable): Promise<void> {
  await db.insertInto('refreshTokens').values(row).execute();
}

export async function findRefreshTokenByHash(
  db: Database,
  tokenHash: string,
): Promise<RefreshTokensTable | undefined> {
  return db.selectFrom('refreshTokens').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
}

/**
 * Spends a token: sets usedAt only if it is still unused and unrevoked. The condition in the
 * UPDATE makes rotation atomic: of two concurrent refreshes with one token, exactly one wins.
 */
export async function markRefreshTokenUsed(db: Database, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('refreshTokens')
    .set({ usedAt: at })
    .where('id', '=', id)
    .where('usedAt', 'is', null)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Revokes every token of one login (family); returns how many were still live. */
export async function revokeRefreshFamily(db: Database, familyId: string, at: number): Promise<number> {
  const result = await db
    .updateTable('refreshTokens')
    .set({ revokedAt: at })
    .where('familyId', '=', familyId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every refresh token of a member (all devices). */
export async function revokeMemberRefreshTokens(db: Database, memberId: string, at: number): Promise<number> {
  const result = await db
    .updateTable('refreshTokens')
    .set({ revokedAt: at })
    .where('memberId', '=', memberId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
