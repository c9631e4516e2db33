import type { AppContext } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { getProgrammeSettings, type ProgrammeSettings } from '../loyalty/index.ts';
import { loadLadder } from './tiers.ladder.ts';
import type { MetricSettings } from './tiers.metric.ts';
import type { TierDto } from './tiers.types.ts';

/** Everything the rules read besides the member: loaded once per batch. */
export interface Programme {
  ladder: TierDto[];
  settings: ProgrammeSettings;
  metric: MetricSettings;
}

/** The ladder and the programme settings the rules read (pass the transaction you are in). */
export async function loadProgramme(ctx: AppContext, db: Database): Promise<Programme> {
  const settings = await getProgrammeSettings(ctx, db);
  const metric = { ...settings.tiers, currency: settings.currency };
  return { ladder: await loadLadder(db), settings, metric };
}
