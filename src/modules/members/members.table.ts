/** Members: the store's id, personal data as ciphertext, blind indexes for exact lookup. */
export interface MembersTable {
  id: string;
  /** Ciphertexts `kid.iv.tag.data` (base64url), see src/crypto/pii-cipher.ts. */
  nameEnc: string | null;
  emailEnc: string | null;
  phoneEnc: string | null;
  birthdayEnc: string | null;
  addressEnc: string | null;
  /** Keyed hashes of the normalised email and phone, for equality lookups. */
  emailBidx: string | null;
  phoneBidx: string | null;
  gender: string | null;
  /** Coarse, non-identifying place (city or region) for segments. */
  region: string | null;
  locale: string | null;
  channel: string | null;
  /** JSON object of store-defined attributes. */
  attributes: string;
  /** JSON object of consents, `{ "marketingEmail": { "granted": true, "at": "…" } }`. */
  consents: string;
  status: string;
  /** When the member registered at the store (epoch ms). */
  registeredAt: number;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
  version: number;
}

/** A member's self-service password, kept apart from the profile row. */
export interface MemberCredentialsTable {
  memberId: string;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}
