// The loyalty module's public surface (earning rules and programme settings); other modules
// import only from here.
export {
  CAP_PERIODS,
  type CapPeriod,
  minorUnitExponent,
  type RuleAction,
  type RuleCap,
} from './loyalty.actions.ts';
export { type AwardOptions, awardPointsForEvents } from './loyalty.award.ts';
export { loyaltyBackfillJob } from './loyalty.backfill.ts';
export { type Condition, conditionIssues, conditionSchema } from './loyalty.conditions.ts';
export { DEFAULT_RULES, ensureDefaultProgramme } from './loyalty.defaults.ts';
export {
  type AwardLine,
  type EngineResult,
  type EngineRule,
  evaluateRules,
  type RuleOutcome,
} from './loyalty.engine.ts';
export { CONDITION_FIELDS, OPS, PREFIX_FIELDS } from './loyalty.fields.ts';
export { previewRules } from './loyalty.preview.ts';
export { loyaltyRoutes } from './loyalty.routes.ts';
export {
  archiveRule,
  createRule,
  forgetCachedRules,
  getRule,
  listRules,
  listRuleVersions,
  replaceRule,
} from './loyalty.service.ts';
export type { LoyaltyProgrammeTable, LoyaltyRulesTable, LoyaltyRuleVersionsTable } from './loyalty.table.ts';
export {
  type PreviewBody,
  type PreviewResult,
  RULE_STATUSES,
  RULE_TRIGGERS,
  type RuleDto,
  type RuleInput,
  ruleDtoSchema,
  ruleInputSchema,
  ruleListQuerySchema,
} from './loyalty.types.ts';
export { getProgramme, getProgrammeSettings, updateProgramme } from './programme.service.ts';
export {
  DEFAULT_PROGRAMME_SETTINGS,
  type ExpiryPolicy,
  expiryFor,
  type ProgrammeSettings,
  pendingUntilFor,
  programmeSettingsSchema,
} from './programme.settings.ts';
