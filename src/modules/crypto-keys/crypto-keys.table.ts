/** Data-encryption keys, each wrapped (AES-256-GCM) under the master key. */
export interface DataKeysTable {
  id: string;
  wrappedKey: string;
  status: string;
  createdAt: number;
  retiredAt: number | null;
}
