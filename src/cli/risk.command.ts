import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import type { AppContext } from '../context.ts';
import { type IpRange, ipv4ToNumber, replaceIpRanges } from '../modules/risk/index.ts';
import { withCliContext } from './cli-context.ts';

// `membrain risk ip-ranges load FILE`: replaces the IP-range → country table behind the
// `ip.country` feature. The file is CSV with three columns — lower bound, upper bound, country —
// and an optional header row; bounds are IPv4 addresses, dotted (`1.0.0.0`) or as whole numbers
// (`16777216`, also written `16777216.0`), so the e-commerce fraud data set's
// IpAddress_to_Country.csv loads as it is.

/** An IPv4 bound as written in the file, or null. */
function parseBound(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed.includes('.') && trimmed.split('.').length === 4) return ipv4ToNumber(trimmed);
  const value = Number(trimmed);
  return trimmed !== '' && Number.isInteger(value) ? value : null;
}

/** Ranges of the CSV text; every unreadable line is listed (at most 20), nothing half-read. */
export function parseIpRangesCsv(text: string): { ranges: IpRange[]; problems: string[] } {
  const records = parse(text.replace(/^\uFEFF/, ''), {
    relaxColumnCount: true,
    skipEmptyLines: true,
  }) as string[][];
  const ranges: IpRange[] = [];
  const problems: string[] = [];
  records.forEach((record, i) => {
    const [lowerText = '', upperText = '', country = ''] = record;
    const lower = parseBound(lowerText);
    const upper = parseBound(upperText);
    // A header: the first line when its bounds are not numbers.
    if (i === 0 && lower === null && upper === null) return;
    if (lower === null || upper === null || record.length !== 3 || country.trim() === '') {
      if (problems.length < 20)
        problems.push(`line ${i + 1}: expected lower,upper,country — got ${record.join(',')}`);
      return;
    }
    ranges.push({ lower, upper, country });
  });
  return { ranges, problems };
}

/** Loads the file's ranges into the shop's table; the lines to print, and whether it worked. */
export async function loadIpRangesFile(
  ctx: AppContext,
  file: string,
): Promise<{ ok: boolean; lines: string[] }> {
  const { ranges, problems } = parseIpRangesCsv(readFileSync(file, 'utf8'));
  if (problems.length > 0) return { ok: false, lines: problems };
  const result = await replaceIpRanges(ctx, ranges, {
    actorType: 'cli',
    actorId: 'membrain risk ip-ranges load',
  });
  return { ok: true, lines: [`loaded ${result.ranges} IP ranges (the previous table was replaced)`] };
}

export function registerRiskCommand(program: Command): void {
  const risk = program.command('risk').description('risk control');
  risk
    .command('ip-ranges')
    .description('the IP-range → country table')
    .command('load <file>')
    .description('replace the table with a CSV of lower,upper,country (IPv4, dotted or as numbers)')
    .action(async (file: string) => {
      const ok = await withCliContext(async (ctx) => {
        try {
          const result = await loadIpRangesFile(ctx, file);
          for (const line of result.lines) (result.ok ? console.log : console.error)(line);
          return result.ok;
        } catch (error) {
          const details = (error as { details?: { path?: string; message: string }[] }).details;
          if (!details) throw error;
          for (const d of details) console.error(`${d.path ?? ''} ${d.message}`.trim());
          return false;
        }
      });
      if (!ok) process.exitCode = 1;
    });
}
