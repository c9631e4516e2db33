/**
 * Parsers for the text formats the CLV tools read (pure: callers read the file). Summary CSVs in
 * the lifetimes / BTYD layouts, and CDNOW-style transaction logs.
 */
import type { RfmSummary, Transaction } from './summary.ts';

// Column aliases: lifetimes names first, BTYD names second.
const COLUMNS = {
  frequency: ['frequency', 'x'],
  recency: ['recency', 't_x'],
  T: ['T'],
  monetary: ['monetary_value', 'zbar', 'monetary'],
} as const;

function splitLine(line: string): string[] {
  return line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

/** `ID,frequency,recency,T[,monetary_value]` or `ID,x,t_x,T[,zbar]`, with a header line. */
export function parseSummaryCsv(text: string): RfmSummary {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitLine(lines[0] ?? '');
  const find = (names: readonly string[]): number => header.findIndex((h) => names.includes(h));
  const idCol = header.findIndex((h) => h.toLowerCase() === 'id');
  const col = {
    frequency: find(COLUMNS.frequency),
    recency: find(COLUMNS.recency),
    T: find(COLUMNS.T),
    monetary: find(COLUMNS.monetary),
  };
  const missing = (['frequency', 'recency', 'T'] as const).filter((k) => col[k] < 0);
  if (missing.length > 0)
    throw new Error(`summary CSV lacks column(s): ${missing.join(', ')} (header: ${lines[0]})`);
  const rows = lines.slice(1).map(splitLine);
  const number = (row: string[], c: number, line: number): number => {
    const v = Number(row[c]);
    if (!Number.isFinite(v)) throw new Error(`summary CSV line ${line + 2}: '${row[c]}' is not a number`);
    return v;
  };
  return {
    ids: rows.map((row, i) => (idCol >= 0 ? (row[idCol] as string) : String(i + 1))),
    frequency: Float64Array.from(rows, (row, i) => number(row, col.frequency, i)),
    recency: Float64Array.from(rows, (row, i) => number(row, col.recency, i)),
    T: Float64Array.from(rows, (row, i) => number(row, col.T, i)),
    ...(col.monetary >= 0
      ? { monetary: Float64Array.from(rows, (row, i) => number(row, col.monetary, i)) }
      : {}),
  };
}

/** `YYYYMMDD`, `YYYY-MM-DD` or `YYYY-MM-DD hh:mm:ss` as epoch ms (UTC). */
export function parseDate(text: string): number {
  const t = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  const iso = compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : t.replace(' ', 'T');
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`);
  if (!Number.isFinite(ms)) throw new Error(`not a date: '${text}'`);
  return ms;
}

/**
 * Transactions from either a CSV with a header naming the customer, date and amount columns
 * (customer_id|id|customer|masterid, date, amount|sales|dollar_value|value; amount optional) or
 * the whitespace-separated CDNOW master log (`customer date cds dollars`, no header).
 * Rows without a customer id and rows flagged `is_cancellation` (1/true) are dropped: the UCI
 * Online Retail invoice file has both, and neither is a purchase by a known customer.
 */
export function parseTransactions(text: string): Transaction[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  if (!first.includes(',')) {
    // The CDNOW master log may start with a header line (`customer_id date …`).
    const body = /^\s*\S+\s+\d/.test(first) ? lines : lines.slice(1);
    return body.map((line, i) => {
      const cells = line.trim().split(/\s+/);
      if (cells.length < 2)
        throw new Error(`transactions line ${i + 1}: expected 'customer date [count] [amount]'`);
      const amount = cells.length >= 4 ? Number(cells[3]) : cells.length === 3 ? Number(cells[2]) : 0;
      return { customerId: cells[0] as string, time: parseDate(cells[1] as string), amount };
    });
  }
  const header = splitLine(first).map((h) => h.toLowerCase());
  const pick = (names: string[]): number => header.findIndex((h) => names.includes(h));
  const idCol = pick(['customer_id', 'customerid', 'id', 'customer', 'masterid', 'member_id']);
  const dateCol = pick(['date', 'time', 'invoicedate', 'invoice_datetime', 'order_date']);
  const amountCol = pick(['amount', 'sales', 'dollar_value', 'value', 'monetary_value']);
  if (idCol < 0 || dateCol < 0)
    throw new Error(`transactions CSV needs customer and date columns (header: ${first})`);
  const cancelCol = pick(['is_cancellation']);
  const rows = lines
    .slice(1)
    .map(splitLine)
    .filter((row) => row[idCol] !== '' && !(cancelCol >= 0 && ['1', 'true'].includes(row[cancelCol] ?? '')));
  return rows.map((row) => {
    return {
      customerId: row[idCol] as string,
      time: parseDate(row[dateCol] as string),
      amount: amountCol >= 0 ? Number(row[amountCol]) : 0,
    };
  });
}
