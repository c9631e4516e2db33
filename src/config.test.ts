import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    const config = loadConfig({ env: {}, file: undefined });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('sqlite:./data/membrain.db');
    expect(config.demo.enabled).toBe(true);
    expect(config.events.maxFutureSkewSeconds).toBe(300);
  });

  it('reads environment variables through the binding table', () => {
    const config = loadConfig({
      env: {
        MEMBRAIN_PORT: '9090',
        MEMBRAIN_DEMO: '0',
        DATABASE_URL: 'postgres://db/x',
        MEMBRAIN_DEMO_MEMBERS: '500',
      },
    });
    expect(config.port).toBe(9090);
    expect(config.demo.enabled).toBe(false);
    expect(config.demo.members).toBe(500);
    expect(config.databaseUrl).toBe('postgres://db/x');
  });

  it('lets explicit overrides win over the environment', () => {
    const config = loadConfig({ env: { MEMBRAIN_PORT: '9090' }, overrides: { port: 7000 } });
    expect(config.port).toBe(7000);
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({ env: { MEMBRAIN_PORT: 'eighty', MEMBRAIN_DEMO: 'maybe', MEMBRAIN_LOG_LEVEL: 'loud' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('MEMBRAIN_PORT');
    expect(problems).toContain('MEMBRAIN_DEMO');
    expect(problems).toContain('logLevel');
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.auth.loginPerIp)).toBe(true);
  });
});
