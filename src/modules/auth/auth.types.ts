import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, passwordSchema } from '../../lib/password.ts';
import { memberIdSchema, memberInputSchema, memberPatchSchema } from '../members/index.ts';

const profileFields = memberInputSchema.pick({
  name: true,
  email: true,
  phone: true,
  birthday: true,
  address: true,
  gender: true,
  locale: true,
  consents: true,
}).shape;

/** `POST /v1/auth/register`: a new member with a password; email or phone (or both) is the login. */
export const registerBodySchema = z
  .strictObject({
    memberId: memberIdSchema.optional(),
    password: passwordSchema,
    ...profileFields,
  })
  .refine((body) => Boolean(body.email) || Boolean(body.phone), {
    message: 'give an email or a phone to log in with',
    path: ['email'],
  });
export type RegisterInput = z.infer<typeof registerBodySchema>;

/** `POST /v1/auth/login`: `login` is the member's email or phone. */
export const loginBodySchema = z.strictObject({
  login: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});
export type LoginInput = z.infer<typeof loginBodySchema>;

export const refreshBodySchema = z.strictObject({ refreshToken: z.string().min(1).max(128) });

export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: passwordSchema,
});

/** `PATCH /v1/me`: the profile fields a member may change on their own account. */
export const mePatchSchema = memberPatchSchema.pick({
  name: true,
  email: true,
  phone: true,
  birthday: true,
  address: true,
  gender: true,
  locale: true,
  consents: true,
  version: true,
});
export type MePatch = z.infer<typeof mePatchSchema>;

/** What login, register and refresh return. */
export const authTokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  /** Seconds until this refresh token expires (each refresh issues a new one). */
  refreshExpiresIn: z.number().int(),
  memberId: z.string(),
});
export type AuthTokens = z.infer<typeof authTokensSchema>;
