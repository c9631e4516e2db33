import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from './sqlite-statement-cache.ts';

describe('the SQLite prepared-statement cache', () => {
  it('returns the same prepared statement for the same SQL, with correct results each time', () => {
    const connection = new SQLite(':memory:');
    connection.exec('create table t (id integer primary key, v text)');
    const cached = withStatementCache(connection);
    const insert = cached.prepare('insert into t (id, v) values (?, ?)');
    insert.run([1, 'a']);
    expect(cached.prepare('insert into t (id, v) values (?, ?)')).toBe(insert);
    cached.prepare('insert into t (id, v) values (?, ?)').run([2, 'b']);
    const select = cached.prepare('select v from t where id = ?');
    expect(select.all([1])).toEqual([{ v: 'a' }]);
    expect(cached.prepare('select v from t where id = ?').all([2])).toEqual([{ v: 'b' }]);
    cached.close();
  });

  it('evicts the least recently used statement beyond its capacity', () => {
    const connection = new SQLite(':memory:');
    const cached = withStatementCache(connection, 2);
    const one = cached.prepare('select 1');
    const two = cached.prepare('select 2');
    expect(cached.prepare('select 1')).toBe(one); // now "select 2" is the oldest
    cached.prepare('select 3');
    expect(cached.prepare('select 1')).toBe(one);
    expect(cached.prepare('select 2')).not.toBe(two);
    cached.close();
  });
});
