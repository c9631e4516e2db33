/** Events stored per UTC day and type. */
export interface DailyEventCountsTable {
  day: string;
  type: string;
  events: number;
}

/** Paid orders and refunds per UTC day and currency; money in minor units. */
export interface DailyOrdersTable {
  day: string;
  currency: string;
  orders: number;
  gmv: number;
  refunds: number;
  refundAmount: number;
}

/** Paid order events per UTC day, item category (at the time of sale) and currency. */
export interface DailyCategorySalesTable {
  day: string;
  category: string;
  currency: string;
  orders: number;
  revenue: number;
}

/** Members registered per UTC day (deleted members included: they did register). */
export interface DailyNewMembersTable {
  day: string;
  members: number;
}

/** The latest UTC day on which each member had an event. */
export interface MemberActivityTable {
  memberId: string;
  lastActiveDay: string;
}
