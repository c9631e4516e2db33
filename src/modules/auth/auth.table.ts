/** Rotating refresh tokens; a family is one login. Only the token's hash is stored. */
export interface RefreshTokensTable {
  id: string;
  familyId: string;
  memberId: string;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}
