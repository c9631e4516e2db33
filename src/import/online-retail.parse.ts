import type { RowReject } from './import-runs.ts';
import { openRecords } from './import-source.ts';

/** Everything one by-day file of UCI Online Retail contributes, folded by member, item and invoice. */
export interface RetailDay {
  members: Map<string, { region: string | null; firstSeen: number }>;
  items: Map<string, { title: string; pricePence: number; seenAt: number }>;
  invoices: Map<string, RetailInvoice>;
  records: number;
  /** Rows used for members, items and orders. */
  used: number;
  /** Rows without a CustomerID (guest checkouts): nobody to attach them to. */
  skippedNoCustomer: number;
  rejects: RowReject[];
}

export interface RetailInvoice {
  invoiceNo: string;
  memberId: string;
  occurredAt: number;
  cancelled: boolean;
  /** Σ quantity × unit price, in pence before rounding. */
  totalPence: number;
  quantity: number;
  lines: number;
  firstLine: number;
}

interface RetailRow {
  invoiceNo: string;
  itemId: string;
  title: string;
  quantity: number;
  occurredAt: number;
  unitPrice: number;
  memberId: string;
  region: string | null;
}

type Parsed = { kind: 'row'; row: RetailRow } | { kind: 'skip' } | { kind: 'reject'; errors: string[] };

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** StockCodes such as `BANK CHARGES` hold characters a store id may not; they become `_`. */
export function itemIdOf(stockCode: string): string {
  return stockCode.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64);
}

/** `2010-12-01 08:26:00` is UK local time; it is read as UTC (see docs/importing.md). */
function parseInvoiceDate(value: string): number {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(value)
    ? Date.parse(`${value.replace(' ', 'T')}Z`)
    : Number.NaN;
}

/** One CSV row: skipped (no customer), rejected (with reasons) or usable. */
export function parseRetailRow(value: Record<string, unknown>): Parsed {
  const customer = text(value.CustomerID);
  if (customer === '') return { kind: 'skip' };
  const errors: string[] = [];
  const invoiceNo = text(value.InvoiceNo);
  const itemId = itemIdOf(text(value.StockCode));
  const quantity = Number(text(value.Quantity));
  const unitPrice = Number(text(value.UnitPrice));
  const occurredAt = parseInvoiceDate(text(value.InvoiceDate));
  if (!/^\d+(\.0+)?$/.test(customer)) errors.push(`CustomerID: not a number (${customer})`);
  if (!/^C?\d{1,20}$/.test(invoiceNo))
    errors.push(`InvoiceNo: not an invoice or cancellation number (${invoiceNo})`);
  if (itemId === '') errors.push('StockCode: empty');
  if (!Number.isInteger(quantity) || text(value.Quantity) === '') errors.push('Quantity: not an integer');
  if (!Number.isFinite(unitPrice) || unitPrice < 0 || text(value.UnitPrice) === '') {
    errors.push('UnitPrice: not a non-negative number');
  }
  if (Number.isNaN(occurredAt)) errors.push('InvoiceDate: not YYYY-MM-DD HH:MM:SS');
  if (errors.length > 0) return { kind: 'reject', errors };
  const description = text(value.Description).replace(/\s+/g, ' ');
  const country = text(value.Country).slice(0, 64);
  return {
    kind: 'row',
    row: {
      invoiceNo,
      itemId,
      title: (description || itemId).slice(0, 200),
      quantity,
      occurredAt,
      unitPrice,
      memberId: `or-${Number.parseInt(customer, 10)}`,
      region: country === '' ? null : country,
    },
  };
}

function addRow(day: RetailDay, row: RetailRow, line: number): void {
  const member = day.members.get(row.memberId);
  if (!member) day.members.set(row.memberId, { region: row.region, firstSeen: row.occurredAt });
  else member.firstSeen = Math.min(member.firstSeen, row.occurredAt);
  const item = day.items.get(row.itemId);
  // The most recent price wins; a later row at the same minute counts as more recent.
  if (!item || row.occurredAt >= item.seenAt) {
    day.items.set(row.itemId, {
      title: row.title,
      pricePence: Math.round(row.unitPrice * 100),
      seenAt: row.occurredAt,
    });
  }
  let invoice = day.invoices.get(row.invoiceNo);
  if (!invoice) {
    invoice = {
      invoiceNo: row.invoiceNo,
      memberId: row.memberId,
      occurredAt: row.occurredAt,
      cancelled: row.invoiceNo.startsWith('C'),
      totalPence: 0,
      quantity: 0,
      lines: 0,
      firstLine: line,
    };
    day.invoices.set(row.invoiceNo, invoice);
  }
  invoice.totalPence += row.quantity * row.unitPrice * 100;
  invoice.quantity += row.quantity;
  invoice.lines += 1;
}

/** Reads one by-day file (gzip or plain CSV) into a RetailDay; the files are small (≤ 4,000 rows). */
export async function readRetailDay(file: string): Promise<RetailDay> {
  const day: RetailDay = {
    members: new Map(),
    items: new Map(),
    invoices: new Map(),
    records: 0,
    used: 0,
    skippedNoCustomer: 0,
    rejects: [],
  };
  for await (const record of openRecords(file, 'csv').records) {
    day.records = record.index;
    if (record.error !== undefined) {
      day.rejects.push({ line: record.line, errors: [record.error] });
      continue;
    }
    const parsed = parseRetailRow(record.value as Record<string, unknown>);
    if (parsed.kind === 'skip') day.skippedNoCustomer += 1;
    else if (parsed.kind === 'reject') day.rejects.push({ line: record.line, errors: parsed.errors });
    else {
      addRow(day, parsed.row, record.line);
      day.used += 1;
    }
  }
  return day;
}
