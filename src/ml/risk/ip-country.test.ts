import { describe, expect, it } from 'vitest';
import { createRng } from '../gbdt/index.ts';
import { IpCountryTable, IpTableError } from './ip-country.ts';

const ranges = [
  { lower: 100, upper: 199, country: 'A' },
  { lower: 200, upper: 299, country: 'B' },
  // gap 300..399
  { lower: 400, upper: 400, country: 'C' },
];

describe('IpCountryTable', () => {
  it('finds the range at both inclusive boundaries and nothing in gaps or outside', () => {
    const t = new IpCountryTable(ranges);
    expect(t.size).toBe(3);
    expect(t.lookup(100)).toBe('A');
    expect(t.lookup(199)).toBe('A');
    expect(t.lookup(200)).toBe('B');
    expect(t.lookup(299)).toBe('B');
    expect(t.lookup(400)).toBe('C');
    for (const ip of [99, 300, 350, 399, 401, 1e12, -1, Number.NaN]) expect(t.lookup(ip)).toBeUndefined();
  });

  it('compares fractional addresses as given: a fraction above an upper bound is outside', () => {
    const t = new IpCountryTable(ranges);
    expect(t.lookup(150.7)).toBe('A');
    expect(t.lookup(199.5)).toBeUndefined();
    expect(t.lookup(400.2)).toBeUndefined();
  });

  it('sorts unsorted input and agrees with a linear scan', () => {
    const rng = createRng(7);
    const sorted: { lower: number; upper: number; country: string }[] = [];
    let at = 0;
    for (let i = 0; i < 200; i++) {
      at += Math.floor(rng() * 5); // sometimes contiguous, sometimes a gap
      const upper = at + Math.floor(rng() * 10);
      sorted.push({ lower: at, upper, country: `c${i % 17}` });
      at = upper + 1;
    }
    const shuffled = [...sorted].sort(() => rng() - 0.5);
    const t = new IpCountryTable(shuffled);
    expect(t.ranges()).toEqual(sorted);
    for (let ip = -2; ip < at + 3; ip += 0.5) {
      const brute = sorted.find((r) => r.lower <= ip && ip <= r.upper)?.country;
      expect(t.lookup(ip)).toBe(brute);
    }
  });

  it('rejects overlaps, inverted ranges and empty countries, listing every problem', () => {
    let error: unknown;
    try {
      new IpCountryTable([
        { lower: 200, upper: 299, country: 'B' },
        { lower: 100, upper: 200, country: 'A' }, // overlaps B at 200
        { lower: 500, upper: 450, country: 'X' },
        { lower: 600, upper: 700, country: '' },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IpTableError);
    const problems = (error as IpTableError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/overlap/);
    expect(problems.join('\n')).toMatch(/lower 500 > upper 450/);
    expect(problems.join('\n')).toMatch(/empty country/);
  });

  it('reads the data set CSV: BOM, CRLF, header; bad lines are reported by number', () => {
    const text =
      '\uFEFFlower_bound_ip_address,upper_bound_ip_address,country\r\n1,9,Aland\r\n10,19,Bhutan\r\n';
    const t = IpCountryTable.fromCsv(text);
    expect(t.lookup(9)).toBe('Aland');
    expect(t.lookup(10)).toBe('Bhutan');
    expect(() => IpCountryTable.fromCsv('1,9,A\nx,y\n')).toThrow(/line 2/);
  });

  it('restores spreadsheet-rounded lower bounds only when asked and only when they round back', () => {
    const text = [
      'lower,upper,country',
      '1000000000,1023999999,Singapore',
      '1.02E+09,1024032767,Philippines', // 1024000000 written with 3 significant digits
      '1024032768,1024999999,Japan',
    ].join('\n');
    expect(() => IpCountryTable.fromCsv(text)).toThrow(IpTableError); // strict: overlap
    const t = IpCountryTable.fromCsv(text, { repairRoundedLowerBounds: true });
    expect(t.lookup(1023999999)).toBe('Singapore');
    expect(t.lookup(1024000000)).toBe('Philippines');
    // The previous upper + 1 (2000) does not round to 9.0E+03: kept as written, then rejected.
    const unrelated = 'l,u,c\n1000,1999,A\n9.0E+03,9500,B\n1.0E+03,1500,C\n';
    expect(() => IpCountryTable.fromCsv(unrelated, { repairRoundedLowerBounds: true })).toThrow(/overlap/);
  });
});
