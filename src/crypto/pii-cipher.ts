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

interface CiphertextParts {
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

function parseCiphertext(ciphertext: string): CiphertextParts {
  const [prefix, keyId, iv, tag, data, extra] = ciphertext.split('.');
  if (prefix !== PREFIX || !keyId || !iv || !tag || data === undefined || extra !== undefined) {
    throw new Error('not a Membrain ciphertext');
  }
  return { keyId, iv, tag, data };
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
    const parts = parseCiphertext(ciphertext);
    if (!this.keys.has(parts.keyId)) await this.reload();
    return this.openParts(parts, aad);
  }

  /**
   * Decrypts without awaiting when the key is already loaded — the common case on read paths,
   * where five fields per member would otherwise cost five promise round trips. Returns
   * undefined when the key is unknown; the caller then uses decrypt(), which reloads keys.
   */
  decryptIfKeyLoaded(ciphertext: string, aad: string): string | undefined {
    const parts = parseCiphertext(ciphertext);
    return this.keys.has(parts.keyId) ? this.openParts(parts, aad) : undefined;
  }

  private openParts(parts: CiphertextParts, aad: string): string {
    const key = this.keys.get(parts.keyId);
    if (!key) throw new Error(`unknown data key ${parts.keyId}`);
    return open(key, parts, aad).toString('utf8');
  }
}
