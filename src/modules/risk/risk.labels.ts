import type { Database } from '../../db/database.ts';

// Chargebacks label past decisions. A store reports one as an `order_refunded` event whose
// properties say so (`"chargeback": true`, or `"reason": "chargeback"` or `"fraud"`); every
// decision taken on that order becomes labelled fraud (source `chargeback`), inside the ingest
// transaction, overriding an analyst's earlier call: the payment network has the last word. A
// refund for any other reason says nothing about fraud and labels nothing.

/** The fields of a stored event row this hook reads. */
export interface LabelEventRow {
  type: string;
  orderId?: string | null | undefined;
  occurredAt: number;
  /** JSON text of the event's properties, or null. */
  properties?: string | null | undefined;
}

function isChargeback(row: LabelEventRow): boolean {
  if (row.type !== 'order_refunded' || !row.orderId || !row.properties) return false;
  const p = JSON.parse(row.properties) as { chargeback?: unknown; reason?: unknown };
  return p.chargeback === true || p.reason === 'chargeback' || p.reason === 'fraud';
}

/** Labels the decisions of charged-back orders; the number of decisions labelled. */
export async function labelDecisionsFromEvents(
  db: Database,
  rows: readonly LabelEventRow[],
): Promise<number> {
  const charged = rows.filter(isChargeback);
  if (charged.length === 0) return 0;
  let labelled = 0;
  for (const row of charged) {
    const result = await db
      .updateTable('riskDecisions')
      .set({ label: 'fraud', labelSource: 'chargeback', labelledAt: Number(row.occurredAt) })
      .where('orderId', '=', row.orderId as string)
      .executeTakeFirst();
    labelled += Number(result.numUpdatedRows);
  }
  return labelled;
}
