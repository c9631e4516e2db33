import { describe, expect, it } from 'vitest';
import { maskAddress, maskBirthday, maskEmail, maskName, maskPhone } from './mask.ts';

describe('masking personal data', () => {
  it('keeps the first three and last four digits of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+8613812345678')).toBe('+86*******5678');
  });

  it('hides all but the first sign of a short phone number', () => {
    expect(maskPhone('12345')).toBe('1****');
    expect(maskPhone('7')).toBe('7*');
  });

  it('keeps the first character of the local part and the domain of an email', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('张伟@example.cn')).toBe('张***@example.cn');
  });

  it('hides an email without a local part entirely', () => {
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('no-at-sign')).toBe('***');
  });

  it('masks Chinese names per character and other names with a fixed width', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('John Smith')).toBe('J***');
    expect(maskName('Al')).toBe('A***');
    expect(maskName('X')).toBe('*');
  });

  it('keeps only the year of a birthday', () => {
    expect(maskBirthday('1990-05-17')).toBe('1990-**-**');
  });

  it('keeps at most the first six characters and at most half of an address', () => {
    expect(maskAddress('上海市浦东新区世纪大道100号')).toBe('上海市浦东新***');
    expect(maskAddress('12 Main St')).toBe('12 Ma***');
    expect(maskAddress('ab')).toBe('a***');
  });
});
