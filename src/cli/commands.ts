import type { Command } from 'commander';
import { registerApiKeyCommand } from './apikey.command.ts';
import { registerAuditCommand } from './audit.command.ts';
import { registerClustersCommand } from './clusters.command.ts';
import { registerDemoCommand } from './demo.command.ts';
import { registerEvalCommand } from './eval.command.ts';
import { registerImportCommand } from './import.command.ts';
import { registerInsightsCommand } from './insights.command.ts';
import { registerJobsCommand } from './jobs.command.ts';
import { registerKeysCommand } from './keys.command.ts';
import { registerLoyaltyCommand } from './loyalty.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerOperatorCommand } from './operator.command.ts';
import { registerPointsCommand } from './points.command.ts';
import { registerProfilesCommand } from './profiles.command.ts';
import { registerRecommendCommand } from './recommend.command.ts';
import { registerRiskCommand } from './risk.command.ts';
import { registerSegmentsCommand } from './segments.command.ts';
import { registerServeCommand } from './serve.command.ts';
import { registerStatsCommand } from './stats.command.ts';
import { registerTiersCommand } from './tiers.command.ts';
import { registerValueCommand } from './value.command.ts';
import { registerWorkerCommand } from './worker.command.ts';

/** Every `membrain` sub-command; each lives in its own file. */
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerDemoCommand(program);
  registerImportCommand(program);
  registerApiKeyCommand(program);
  registerOperatorCommand(program);
  registerKeysCommand(program);
  registerAuditCommand(program);
  registerStatsCommand(program);
  registerPointsCommand(program);
  registerLoyaltyCommand(program);
  registerTiersCommand(program);
  registerValueCommand(program);
  registerProfilesCommand(program);
  registerRecommendCommand(program);
  registerRiskCommand(program);
  registerWorkerCommand(program);
  registerJobsCommand(program);
  registerEvalCommand(program);
  registerSegmentsCommand(program);
  registerClustersCommand(program);
  registerInsightsCommand(program);
}
