import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { DemoAbuseLabelsTable } from '../demo/demo.table.ts';
import type { ApiKeysTable } from '../modules/apikeys/apikeys.table.ts';
import type { AuditHeadTable, AuditLogTable } from '../modules/audit/audit.table.ts';
import type { RefreshTokensTable } from '../modules/auth/auth.table.ts';
import type { ClusterRunsTable, MemberClustersTable } from '../modules/clusters/clusters.table.ts';
import type { DataKeysTable } from '../modules/crypto-keys/crypto-keys.table.ts';
import type { EventsTable, ImportRunsTable } from '../modules/events/events.table.ts';
import type { ItemsTable } from '../modules/items/items.table.ts';
import type { JobsTable } from '../modules/jobs/jobs.table.ts';
import type {
  LoyaltyProgrammeTable,
  LoyaltyRulesTable,
  LoyaltyRuleVersionsTable,
} from '../modules/loyalty/loyalty.table.ts';
import type { MemberCredentialsTable, MembersTable } from '../modules/members/members.table.ts';
import type { ModelsTable } from '../modules/models/models.table.ts';
import type { OperatorsTable } from '../modules/operators/operators.table.ts';
import type {
  PointsAccountsTable,
  PointsLedgerTable,
  PointsLotsTable,
  PointsOrdersTable,
} from '../modules/points/points.table.ts';
import type { MemberActiveDaysTable, MemberProfilesTable } from '../modules/profiles/profiles.table.ts';
import type {
  MemberPreferencesTable,
  RecommendationFeedbackTable,
  RecommendationListsTable,
  RecommendationPopularTable,
  RecommendationSettingsTable,
  RecommendationsServedTable,
} from '../modules/recommendations/recommendations.table.ts';
import type {
  RiskCaseCommentsTable,
  RiskCasesTable,
  RiskDecisionsTable,
  RiskIpRangesTable,
  RiskListEntriesTable,
  RiskScenariosTable,
} from '../modules/risk/risk.table.ts';
import type { SegmentSizesTable, SegmentsTable } from '../modules/segments/segments.table.ts';
import type {
  DailyCategorySalesTable,
  DailyEventCountsTable,
  DailyNewMembersTable,
  DailyOrdersTable,
  MemberActivityTable,
} from '../modules/stats/stats.table.ts';
import type { LoyaltyTiersTable, MemberTiersTable, TierHistoryTable } from '../modules/tiers/tiers.table.ts';
import type { MemberScoresTable } from '../modules/value/value.table.ts';

/** Every table, as Kysely sees it (camelCase here, snake_case in SQL through CamelCasePlugin). */
export interface DB {
  members: MembersTable;
  memberCredentials: MemberCredentialsTable;
  refreshTokens: RefreshTokensTable;
  operators: OperatorsTable;
  apiKeys: ApiKeysTable;
  auditLog: AuditLogTable;
  auditHead: AuditHeadTable;
  items: ItemsTable;
  events: EventsTable;
  importRuns: ImportRunsTable;
  dataKeys: DataKeysTable;
  demoAbuseLabels: DemoAbuseLabelsTable;
  dailyEventCounts: DailyEventCountsTable;
  dailyOrders: DailyOrdersTable;
  dailyCategorySales: DailyCategorySalesTable;
  dailyNewMembers: DailyNewMembersTable;
  memberActivity: MemberActivityTable;
  pointsAccounts: PointsAccountsTable;
  pointsLedger: PointsLedgerTable;
  pointsLots: PointsLotsTable;
  pointsOrders: PointsOrdersTable;
  loyaltyProgramme: LoyaltyProgrammeTable;
  loyaltyRules: LoyaltyRulesTable;
  loyaltyRuleVersions: LoyaltyRuleVersionsTable;
  loyaltyTiers: LoyaltyTiersTable;
  memberTiers: MemberTiersTable;
  memberProfiles: MemberProfilesTable;
  memberActiveDays: MemberActiveDaysTable;
  models: ModelsTable;
  memberScores: MemberScoresTable;
  segments: SegmentsTable;
  segmentSizes: SegmentSizesTable;
  clusterRuns: ClusterRunsTable;
  memberClusters: MemberClustersTable;
  recommendationSettings: RecommendationSettingsTable;
  recommendationLists: RecommendationListsTable;
  recommendationPopular: RecommendationPopularTable;
  memberPreferences: MemberPreferencesTable;
  recommendationsServed: RecommendationsServedTable;
  recommendationFeedback: RecommendationFeedbackTable;
  riskDecisions: RiskDecisionsTable;
  riskScenarios: RiskScenariosTable;
  riskListEntries: RiskListEntriesTable;
  riskCases: RiskCasesTable;
  riskCaseComments: RiskCaseCommentsTable;
  riskIpRanges: RiskIpRangesTable;
  tierHistory: TierHistoryTable;
  jobs: JobsTable;
}

/** The query builder every repository takes; a Transaction is one too. */
export type Database = Kysely<DB>;

export type DialectName = 'sqlite' | 'postgres';

/** An open database: the query builder, which dialect it speaks, and how to close it. */
export interface DatabaseHandle {
  readonly db: Database;
  readonly dialect: DialectName;
  /** For SQLite files: the path on disk (null for in-memory and PostgreSQL). */
  readonly sqlitePath: string | null;
  /** PostgreSQL: the schema tables live in (the configured one, else `public`); null for SQLite. */
  readonly schema: string | null;
  /**
   * SQLite: the connection under Kysely, for the few hot paths that reuse prepared statements
   * (Kysely prepares every statement anew). Inside a Kysely transaction it is the same
   * connection, so raw statements join that transaction. Null on PostgreSQL.
   */
  readonly sqlite: BetterSqlite3.Database | null;
  close(): Promise<void>;
}
