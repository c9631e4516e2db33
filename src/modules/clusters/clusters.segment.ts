import type { AppContext } from '../../context.ts';
import { createSegment, type SegmentActor, type SegmentDto } from '../segments/index.ts';
import { getCluster } from './clusters.service.ts';

/**
 * Saves one cluster of a finished run as a segment `{ cluster: { runId, index } }` (the
 * segments module audits the creation). The name defaults to the cluster's English description.
 */
export async function saveClusterAsSegment(
  ctx: AppContext,
  actor: SegmentActor,
  runId: string,
  index: number,
  name: string | undefined,
): Promise<SegmentDto> {
  const { run, cluster } = await getCluster(ctx, runId, index);
  const day = run.createdAt.slice(0, 10);
  return createSegment(ctx, actor, {
    name: name ?? `${cluster.description.en} (${day})`,
    description: `Cluster ${index} of run ${runId} (${day}): ${cluster.description.en} / ${cluster.description.zh}`,
    definition: { cluster: { runId, index } },
  });
}
