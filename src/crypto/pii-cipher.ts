import { open, seal } from './aes-gcm.ts';

/** A data-encryption key as the cipher holds it: id, raw key, and whether new writes use it. */
export interface DataKey {
  id: string;
  key: Buffer;
  active: boolean;
}

/** Loads the current data keys (unwrapped); the cipher calls it when it meets an unknown key id. */
export type DataKeyLoader = () => Promise<DataKey[]>;

const PREFIX = 'v1';

/** The key id a ciphertext was sealed under, or null when the text is not one of ours. */
export function keyIdOf(ciphertext: string): string | null {
  const parts = ciphertext.split('.');
  return parts.length === 5 && parts[0] === PREFIX ? (parts[1] as string) : null;
}

/**
 * Encrypts personal data fields with AES-256-GCM under the active data key. The ciphertext
 * `v1.<keyId>.<iv>.<tag>.<data>` names its key, so keys rotate without a flag day, and the AAD
 * binds it to its row and field, so a ciphertext copied into another row does not open.
 */
export class PiiCipher {
  private keys = new Map<string, Buffer>();
  private activeId: string | null = null;

  constructor(private readonly loader: DataKeyLoader) {}

  /** Replaces the key set (after start-up and after a rotation). */
  async reload(): Promise<void> {
    const keys = await this.loader();
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.activeId = keys.find((k) => k.active)?.id ?? null;
  }

  get activeKeyId(): string {
    if (!this.activeId) throw new Error('no active data key; run migrations and start-up first');
    return this.activeId;
  }

  encrypt(plaintext: string, aad: string): string {
    const keyId = this.activeKeyId;
    const parts = seal(this.keys.get(keyId) as Buffer, Buffer.from(plaintext, 'utf8'), aad);
    return `${PREFIX}.${keyId}.${parts.iv}.${parts.tag}.${parts.data}`;
  }

  encryptOptional(plaintext: string | null | undefined, aad: string): string | null {
    return plaintext === null || plaintext === undefined ? null : this.encrypt(plaintext, aad);
  }

  /** Decrypts; reloads keys once when the key id is unknown (a rotation by another process). */
  async decrypt(ciphertext: string, aad: string): Promise<string> {
    const keyId = keyIdOf(ciphertext);
    if (!keyId) throw new Error('not a Membrain ciphertext');
    if (!this.keys.has(keyId)) await this.reload();
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`unknown data key ${keyId}`);
    const [, , iv, tag, data] = ciphertext.split('.') as [string, string, string, string, string];
    return open(key, { iv, tag, data }, aad).toString('utf8');
  }

  async decryptOptional(ciphertext: string | null, aad: string): Promise<string | null> {
    return ciphertext === null ? null : this.decrypt(ciphertext, aad);
  }
}
