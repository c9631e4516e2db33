/** API keys: only a SHA-256 of the secret is stored; the prefix identifies a key in lists. */
export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  keyHash: string;
  /** JSON array of scope strings. */
  scopes: string;
  createdBy: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
