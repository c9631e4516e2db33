import { createHash } from 'node:crypto';

// A/B split by member hash: a member lands in the same variant on every request and on every API
// replica, with no assignment table, and a new experiment name reshuffles everyone.

/** An experiment as the settings hold it: variant shares are percentages summing to 100. */
export interface Experiment {
  name: string;
  variants: readonly { name: string; share: number }[];
}

/** The member's bucket 0..99 in an experiment: the first 4 bytes of SHA-256(name + member), mod 100. */
export function experimentBucket(experimentName: string, memberId: string): number {
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  const digest = createHash('sha256').update(`${experimentName}\u0000${memberId}`).digest();
  return digest.readUInt32BE(0) % 100;
}

/**
 * The variant a member sees: buckets are laid out by cumulative share in the settings' order.
 * Null without an experiment (the primary model serves).
 * @example assignVariant({ name: 'knn-vs-als', variants: [{ name: 'a', share: 50 }, { name: 'b', share: 50 }] }, 'm1')
 */
export function assignVariant(experiment: Experiment | null | undefined, memberId: string): string | null {
  if (!experiment || experiment.variants.length === 0) return null;
  const bucket = experimentBucket(experiment.name, memberId);
  let upTo = 0;
  for (const variant of experiment.variants) {
    upTo += variant.share;
    if (bucket < upTo) return variant.name;
  }
  // Shares are validated to sum to 100; should they fall short, the rest goes to the last variant.
  return experiment.variants[experiment.variants.length - 1]?.name ?? null;
}
