// Masking for callers who may see that a member has a value but not the value itself (analysts).
// Each function keeps just enough to tell records apart on screen and hides the rest.

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;

/** `13812345678` → `138****5678`: first 3 and last 4 kept; short numbers keep only their first sign. */
export function maskPhone(phone: string): string {
  const chars = [...phone];
  if (chars.length < 8) return `${chars[0] ?? ''}${'*'.repeat(Math.max(chars.length - 1, 1))}`;
  return `${chars.slice(0, 3).join('')}${'*'.repeat(chars.length - 7)}${chars.slice(-4).join('')}`;
}

/** `alice@example.com` → `a***@example.com`: the first sign of the local part and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}

/**
 * `张三丰` → `张**`, `John Smith` → `J***`. Chinese names keep their length (one star per
 * hidden character, the usual convention); other names get a fixed three stars so the length
 * of the name is not revealed.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (CJK.test(name)) return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
  return `${chars[0]}***`;
}

/** `1990-05-17` → `1990-**-**`: the year only. */
export function maskBirthday(birthday: string): string {
  return `${birthday.slice(0, 4)}-**-**`;
}

/** `上海市浦东新区世纪大道100号` → `上海市浦东新***`: the first few characters (at most 6, at most half). */
export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  const keep = Math.min(6, Math.floor(chars.length / 2));
  return `${chars.slice(0, keep).join('')}***`;
}
