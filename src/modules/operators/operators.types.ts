import { z } from 'zod';
import { OPERATOR_ROLES } from '../../http/scopes.ts';
import { PASSWORD_MAX_LENGTH } from '../../lib/password.ts';

/** Operators' passwords are longer than members': they open every member's data. */
export const OPERATOR_PASSWORD_MIN_LENGTH = 12;

const usernameSchema = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9._-]+$/, 'use 3–64 of a-z, 0-9, dot, underscore, dash');
const operatorPasswordSchema = z.string().min(OPERATOR_PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);
export const roleSchema = z.enum(OPERATOR_ROLES);

export const operatorLoginBodySchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
});

export const createOperatorBodySchema = z.strictObject({
  username: usernameSchema,
  password: operatorPasswordSchema,
  role: roleSchema,
});
export type CreateOperatorInput = z.infer<typeof createOperatorBodySchema>;

export const updateOperatorBodySchema = z
  .strictObject({
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    password: operatorPasswordSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one of role, disabled, password',
  });
export type UpdateOperatorInput = z.infer<typeof updateOperatorBodySchema>;

/** An operator as the API shows it (never the password hash). */
export const operatorDtoSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type OperatorDto = z.infer<typeof operatorDtoSchema>;

export const operatorLoginResultSchema = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  operator: z.object({ id: z.string(), username: z.string(), role: roleSchema }),
});
export type OperatorLoginResult = z.infer<typeof operatorLoginResultSchema>;

export const listOperatorsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
});
