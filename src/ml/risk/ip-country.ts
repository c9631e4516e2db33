/**
 * IPv4 range → country table, looked up by binary search.
 *
 * Ranges are inclusive at both ends (`lower ≤ ip ≤ upper`), as the fraud data set defines them.
 * Addresses are plain numbers, not required to be integers: the fraud data set stores its IPs as
 * decimals with a fraction (e.g. `732758368.8`), and they are compared as given, so a fraction just
 * above a range's upper bound falls outside it. Input order does not matter (the ranges are sorted
 * by lower bound); a range with `lower > upper`, a non-finite bound, an empty country or two ranges
 * that overlap are rejected, all of them listed in one error. Addresses in no range (gaps, or
 * beyond the table) are unknown.
 */

/** One row of the table. */
export interface IpRange {
  lower: number;
  upper: number;
  country: string;
}

/** The table's input is inconsistent; `problems` lists every issue found. */
export class IpTableError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid IP range table:\n${problems.join('\n')}`);
  }
}

/** Options of {@link IpCountryTable.fromCsv}. */
export interface IpCsvOptions {
  /**
   * Restores a lower bound that a spreadsheet rewrote in rounded scientific notation (e.g.
   * `1.02E+09` for 1024000000): it becomes the previous row's upper bound + 1 when that value
   * rounds to the written number at the written precision. Off by default: an operator's table
   * should be exact, and a rounded bound then shows up as an overlap or an inverted range.
   */
  repairRoundedLowerBounds?: boolean;
}

export class IpCountryTable {
  private readonly lowers: Float64Array;
  private readonly uppers: Float64Array;
  private readonly names: string[];

  /** Sorts a copy of `ranges` by lower bound and checks it; throws {@link IpTableError}. */
  constructor(ranges: readonly IpRange[]) {
    const problems: string[] = [];
    ranges.forEach((r, i) => {
      if (!Number.isFinite(r.lower) || !Number.isFinite(r.upper))
        problems.push(`range ${i}: bounds must be finite numbers`);
      else if (r.lower > r.upper) problems.push(`range ${i}: lower ${r.lower} > upper ${r.upper}`);
      if (!r.country) problems.push(`range ${i}: empty country`);
    });
    const order = ranges.map((_, i) => i).sort((a, b) => ranges[a]!.lower - ranges[b]!.lower || a - b);
    for (let k = 1; k < order.length; k++) {
      const prev = ranges[order[k - 1]!]!;
      const cur = ranges[order[k]!]!;
      if (cur.lower <= prev.upper)
        problems.push(
          `ranges ${order[k - 1]} [${prev.lower}, ${prev.upper}] and ${order[k]} [${cur.lower}, ${cur.upper}] overlap`,
        );
    }
    if (problems.length > 0) throw new IpTableError(problems);
    this.lowers = Float64Array.from(order, (i) => ranges[i]!.lower);
    this.uppers = Float64Array.from(order, (i) => ranges[i]!.upper);
    this.names = order.map((i) => ranges[i]!.country);
  }

  /**
   * Reads `lower,upper,country` lines (the data set's `IpAddress_to_Country.csv`): a UTF-8 BOM,
   * CRLF line ends and a header line are accepted; blank lines are skipped. A row that does not
   * parse is reported with its line number, together with the table's own checks.
   */
  static fromCsv(text: string, options: IpCsvOptions = {}): IpCountryTable {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const ranges: IpRange[] = [];
    const problems: string[] = [];
    lines.forEach((line, n) => {
      if (!line.trim()) return;
      const cells = line.split(',');
      const lower = Number(cells[0]);
      const upper = Number(cells[1]);
      if (n === 0 && Number.isNaN(lower)) return; // the header
      const country = cells.slice(2).join(',').trim();
      if (cells.length < 3 || cells[0]!.trim() === '' || Number.isNaN(lower) || Number.isNaN(upper)) {
        problems.push(`line ${n + 1}: expected lower,upper,country`);
        return;
      }
      let restored = lower;
      const previous = ranges[ranges.length - 1];
      if (options.repairRoundedLowerBounds && previous && /e/i.test(cells[0]!))
        restored = restoreRounded(cells[0]!.trim(), previous.upper + 1) ?? lower;
      ranges.push({ lower: restored, upper, country });
    });
    if (problems.length > 0) throw new IpTableError(problems);
    return new IpCountryTable(ranges);
  }

  /** Number of ranges. */
  get size(): number {
    return this.lowers.length;
  }

  /** The country whose range holds `ip`, or undefined (a gap, outside the table, or NaN). */
  lookup(ip: number): string | undefined {
    // Last range whose lower bound is ≤ ip.
    let lo = 0;
    let hi = this.lowers.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lowers[mid]! <= ip) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && ip <= this.uppers[found]! ? this.names[found] : undefined;
  }

  /** The ranges in lower-bound order (copies). */
  ranges(): IpRange[] {
    return this.names.map((country, i) => ({ lower: this.lowers[i]!, upper: this.uppers[i]!, country }));
  }
}

/**
 * `candidate` when the written scientific-notation number (e.g. `1.02E+09`) is `candidate` rounded
 * to the written number of significant digits; otherwise undefined.
 */
function restoreRounded(written: string, candidate: number): number | undefined {
  const mantissa = written.split(/e/i)[0]!.replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '');
  const digits = Math.max(1, mantissa.length);
  return Number(candidate.toPrecision(digits)) === Number(written) ? candidate : undefined;
}
