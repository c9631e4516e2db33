import { describe, expect, it } from 'vitest';
import {
  BASE_FEATURES,
  buildExtraFeatures,
  buildRiskFeatures,
  EXTRA_FEATURES,
  type Purchase,
  parseFraudCsv,
  parseFraudIpTable,
  RISK_FEATURES,
  sharingFeatures,
} from './fraud-ecommerce.ts';
import { IpCountryTable } from './ip-country.ts';

const HEADER =
  '\uFEFFuser_id,signup_time,purchase_time,purchase_value,device_id,source,browser,sex,age,ip_address,class';

/** A tiny fraud_data.csv: device D1 used three times, the last row truncated as in the real file. */
const CSV = [
  HEADER,
  '1,1/1/2015 10:00,1/1/2015 10:00,10,D1,SEO,Chrome,M,30,150.5,1', // quick, country A
  '2,1/1/2015 9:00,1/1/2015 10:00,30,D1,Ads,IE,F,40,250,0', // same minute as row 1
  '3,1/1/2015 8:00,1/1/2015 12:30,20,D2,Direct,Safari,M,50,999,0', // IP in no range
  '4,1/1/2015 8:00,1/2/2015 10:00,40,D1,SEO,Opera,F,60,150,1',
  '5,12/31/2014 8:00,1/1/2015 10:59,100,D3,SEO,FireFox,M,25,199.5,0', // fraction above A's upper
  '393385,8/11/2015 19:00,,,,,,,,,',
].join('\r\n');

const TABLE = new IpCountryTable([
  { lower: 100, upper: 199, country: 'A' },
  { lower: 200, upper: 299, country: 'B' },
]);

const col = (columns: Float64Array[], name: string) => columns[RISK_FEATURES.indexOf(name)]!;

describe('fraud-ecommerce data set', () => {
  const rows = parseFraudCsv(CSV);

  it('parses rows, times as UTC minutes, and drops the truncated last row', () => {
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({ userId: '1', value: 10, device: 'D1', age: 30, ip: 150.5, label: 1 });
    expect(rows[1]!.purchase - rows[1]!.signup).toBe(3_600_000);
    expect(new Date(rows[3]!.purchase).toISOString()).toBe('2015-01-02T10:00:00.000Z');
  });

  it('counts a device as of each purchase minute: a later row is never seen', () => {
    const { count, since } = sharingFeatures(rows, (p) => p.device);
    // Rows 1 and 2 share D1 in the same minute: both see 2; row 4 (next day) sees 3.
    expect(Array.from(count)).toEqual([2, 2, 1, 3, 1]);
    expect(since[0]).toBeNaN();
    expect(since[3]).toBe(24 * 3600);
    // Removing the later row 4 leaves the earlier rows' features unchanged.
    const earlier = sharingFeatures(
      rows.filter((_, i) => i !== 3),
      (p) => p.device,
    );
    expect(Array.from(earlier.count)).toEqual([2, 2, 1, 1]);
  });

  it('every feature of a row is unchanged when all later rows are removed (brute force)', () => {
    const full = buildRiskFeatures(rows, TABLE);
    for (let i = 0; i < rows.length; i++) {
      const t = rows[i]!.purchase;
      const kept = rows.map((r, k) => ({ r, k })).filter(({ r }) => r.purchase <= t);
      const prefix = buildRiskFeatures(
        kept.map(({ r }) => r),
        TABLE,
      );
      const at = kept.findIndex(({ k }) => k === i);
      for (let f = 0; f < RISK_FEATURES.length; f++)
        expect(prefix[f]![at], `${RISK_FEATURES[f]} of row ${i}`).toBe(full[f]![i]);
    }
  });

  it('computes the IP-country and velocity features by hand', () => {
    const c = buildRiskFeatures(rows, TABLE);
    expect(c).toHaveLength(BASE_FEATURES.length + EXTRA_FEATURES.length);
    // Countries: row1 A, row2 B, row3 unknown, row4 A (150), row5 unknown (199.5 > 199).
    expect(Array.from(col(c, 'ip_country_known'))).toEqual([1, 1, 0, 1, 0]);
    // Order by time: 10:00 {1,2}, 10:59 {5}, 12:30 {3}, next day {4}.
    expect(Array.from(col(c, 'country_purchases_so_far'))).toEqual([1, 1, 2, 2, 1]);
    expect(col(c, 'country_share_so_far')[2]).toBeCloseTo(2 / 4);
    // Last hour (t − 1 h, t]: 10:59 sees 10:00's two rows; 12:30 sees only itself.
    expect(Array.from(col(c, 'purchases_last_hour'))).toEqual([2, 2, 1, 1, 3]);
    expect(Array.from(col(c, 'quick_purchases_last_hour'))).toEqual([1, 1, 0, 0, 1]);
    // Running mean value at 10:00 = (10 + 30) / 2 = 20.
    expect(col(c, 'value_vs_running_mean')[0]).toBeCloseTo(0.5);
    expect(col(c, 'value_vs_running_mean')[3]).toBeCloseTo(40 / 40);
    // D1's earlier purchases (rows 1, 2: 0 s and 3600 s) seen by row 4 only.
    const deviceMean = col(c, 'device_mean_seconds_signup_to_purchase_before');
    expect(deviceMean[0]).toBeNaN();
    expect(deviceMean[3]).toBe(1800);
  });

  it('keeps the extra features in their declared order', () => {
    expect(buildExtraFeatures(rows as Purchase[], TABLE)).toHaveLength(EXTRA_FEATURES.length);
  });

  it("drops the IP table's cut last row and restores its rounded bounds", () => {
    const text =
      'lower,upper,country\r\n1000000000,1023999999,Singapore\r\n1.02E+09,1024032767,Philippines\r\n1024032768,1024099999,Can\r\n';
    const t = parseFraudIpTable(text);
    expect(t.size).toBe(2);
    expect(t.lookup(1024000000)).toBe('Philippines');
    expect(t.lookup(1024032768)).toBeUndefined();
  });
});
