import type { AppContext } from '../../context.ts';
import { readAuditChain, readAuditHead } from './audit.repository.ts';
import { GENESIS_HASH, hashAuditEntry } from './audit.service.ts';
import type { AuditLogTable } from './audit.table.ts';

export type AuditProblemKind = 'hash-mismatch' | 'missing' | 'broken-link' | 'head-mismatch';

/** One thing wrong with the chain, at the sequence number where it shows. */
export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
  /** For `missing`: how many entries are gone from this seq on. */
  count?: number;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** The last seq checked (0 when the log is empty). */
  checkedThrough: number;
  problems: AuditProblem[];
}

export interface VerifyAuditOptions {
  pageSize?: number;
  /** Stop collecting after this many problems (a wholesale rewrite would list every entry). */
  maxProblems?: number;
}

/** Walks the chain, remembering the previous entry's hash and the next expected seq. */
class ChainChecker {
  readonly problems: AuditProblem[] = [];
  entries = 0;
  lastSeq = 0;
  lastHash = GENESIS_HASH;

  constructor(
    private readonly key: Buffer,
    private readonly maxProblems: number,
  ) {}

  check(entry: AuditLogTable): void {
    const expected = this.lastSeq + 1;
    if (entry.seq > expected) {
      const count = entry.seq - expected;
      this.report({
        seq: expected,
        kind: 'missing',
        count,
        message: `${count} entr${count === 1 ? 'y is' : 'ies are'} missing before seq ${entry.seq}`,
      });
    }
    if (entry.prevHash !== this.lastHash) {
      this.report({
        seq: entry.seq,
        kind: 'broken-link',
        message: `seq ${entry.seq} does not link to the entry before it`,
      });
    }
    const { hash, ...unsigned } = entry;
    if (hashAuditEntry(this.key, unsigned) !== hash) {
      this.report({
        seq: entry.seq,
        kind: 'hash-mismatch',
        message: `seq ${entry.seq} was changed after it was written`,
      });
    }
    this.entries += 1;
    this.lastSeq = entry.seq;
    this.lastHash = hash;
  }

  report(problem: AuditProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
  }
}

/**
 * Recomputes every entry's HMAC and checks the links between entries and the head row. Finds an
 * edited entry (hash-mismatch), a deleted one (missing, broken-link) and a cut-off tail (the
 * head names a later entry than the last one left). Reads the head first and checks up to it,
 * so entries appended while it runs do not count as problems; pages through the log, so memory
 * stays flat on any size.
 */
export async function verifyAuditChain(
  ctx: AppContext,
  options: VerifyAuditOptions = {},
): Promise<AuditVerifyResult> {
  const pageSize = options.pageSize ?? 1000;
  const head = await readAuditHead(ctx.db);
  const through = head?.seq ?? Number.POSITIVE_INFINITY;
  const checker = new ChainChecker(ctx.crypto.auditKey, options.maxProblems ?? 1000);
  let after = 0;
  for (;;) {
    const page = await readAuditChain(ctx.db, after, pageSize);
    const inRange = page.filter((entry) => entry.seq <= through);
    for (const entry of inRange) checker.check(entry);
    if (page.length < pageSize || inRange.length < page.length) break;
    after = (page[page.length - 1] as AuditLogTable).seq;
  }
  checkHead(checker, head);
  return {
    ok: checker.problems.length === 0,
    entries: checker.entries,
    checkedThrough: checker.lastSeq,
    problems: checker.problems,
  };
}

function checkHead(checker: ChainChecker, head: { seq: number; hash: string } | undefined): void {
  if (!head) {
    if (checker.entries > 0) {
      checker.report({
        seq: checker.lastSeq,
        kind: 'head-mismatch',
        message: 'the log has entries but no head row',
      });
    }
    return;
  }
  if (head.seq !== checker.lastSeq) {
    checker.report({
      seq: head.seq,
      kind: 'head-mismatch',
      message: `the head names seq ${head.seq} but the chain ends at seq ${checker.lastSeq}: entries were removed from the end`,
    });
  } else if (head.hash !== checker.lastHash) {
    checker.report({
      seq: head.seq,
      kind: 'head-mismatch',
      message: `the head's hash does not match entry ${head.seq}`,
    });
  }
}
