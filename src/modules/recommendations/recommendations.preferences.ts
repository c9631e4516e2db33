import type { AppContext } from '../../context.ts';
import { AppError, Errors } from '../../errors.ts';
import { existingMemberIds } from '../members/index.ts';
import type { Preferences, PreferencesDto } from './recommendations.settings-types.ts';

// Onboarding choices: the top-level categories and brands a new member picked when joining. Cold
// start reads them before any behaviour exists; categories must be the catalogue's own, so a
// choice can always be turned into items.

/** The catalogue's top-level categories (those with at least one item). */
export async function catalogueCategories(ctx: AppContext): Promise<Set<string>> {
  const rows = await ctx.db.selectFrom('items').select('category').distinct().execute();
  return new Set(rows.map((r) => r.category));
}

async function assertLiveMember(ctx: AppContext, memberId: string): Promise<void> {
  if (!(await existingMemberIds(ctx.db, [memberId])).has(memberId)) {
    throw new AppError(Errors.MEMBER_NOT_FOUND);
  }
}

/** A member's onboarding choices; empty lists (updatedAt null) when they made none. */
export async function getMemberPreferences(ctx: AppContext, memberId: string): Promise<PreferencesDto> {
  await assertLiveMember(ctx, memberId);
  const row = await ctx.db
    .selectFrom('memberPreferences')
    .selectAll()
    .where('memberId', '=', memberId)
    .executeTakeFirst();
  if (!row) return { categories: [], brands: [], updatedAt: null };
  return {
    categories: JSON.parse(row.categories) as string[],
    brands: JSON.parse(row.brands) as string[],
    updatedAt: new Date(Number(row.updatedAt)).toISOString(),
  };
}

/** Replaces a member's choices; 400 VALIDATION_FAILED naming every category the catalogue lacks. */
export async function putMemberPreferences(
  ctx: AppContext,
  memberId: string,
  input: Preferences,
): Promise<PreferencesDto> {
  await assertLiveMember(ctx, memberId);
  const known = await catalogueCategories(ctx);
  const unknown = input.categories
    .map((category, i) => ({ category, i }))
    .filter(({ category }) => !known.has(category));
  if (unknown.length > 0) {
    throw new AppError(
      Errors.VALIDATION_FAILED,
      undefined,
      unknown.map(({ category, i }) => ({
        path: `categories.${i}`,
        message: `${category} is not a top-level category of the catalogue`,
      })),
    );
  }
  const now = ctx.clock.now();
  const row = {
    memberId,
    categories: JSON.stringify(input.categories),
    brands: JSON.stringify(input.brands),
    updatedAt: now,
  };
  await ctx.db
    .insertInto('memberPreferences')
    .values(row)
    .onConflict((oc) =>
      oc.column('memberId').doUpdateSet({ categories: row.categories, brands: row.brands, updatedAt: now }),
    )
    .execute();
  return { categories: input.categories, brands: input.brands, updatedAt: new Date(now).toISOString() };
}
