import { jwtVerify, SignJWT } from 'jose';

export type TokenAudience = 'member' | 'operator';

/** Signs a short-lived HS256 token for one audience; the key is derived per audience. */
export async function signToken(
  key: Buffer,
  audience: TokenAudience,
  subject: string,
  ttlSeconds: number,
  nowMs: number,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT(extra)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('membrain')
    .setAudience(audience)
    .setSubject(subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key);
}

/** The subject and claims of a valid token, or null when forged, expired or for another audience. */
export async function verifyToken(
  key: Buffer,
  audience: TokenAudience,
  token: string,
  nowMs: number,
): Promise<{ sub: string; claims: Record<string, unknown> } | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: 'membrain',
      audience,
      algorithms: ['HS256'],
      currentDate: new Date(nowMs),
    });
    return typeof payload.sub === 'string' ? { sub: payload.sub, claims: payload } : null;
  } catch {
    return null;
  }
}
