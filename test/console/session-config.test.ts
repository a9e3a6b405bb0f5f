/** The console's configuration: secure cookies behind https, validated first operator and session limits. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { sessionCookieName } from '../../api/session';

describe('console configuration', () => {
  it('uses Secure __Host- cookies when PUBLIC_BASE_URL is https, plain ones on http', () => {
    const https = loadConfig({ PUBLIC_BASE_URL: 'https://okr.example.com' });
    expect(https.console.secureCookie).toBe(true);
    expect(sessionCookieName(https.console.secureCookie)).toBe('__Host-okr_console');
    const http = loadConfig({});
    expect(http.console.secureCookie).toBe(false);
    expect(sessionCookieName(http.console.secureCookie)).toBe('okr_console');
  });

  it('reads the session limits and the first operator (lower-cased)', () => {
    const c = loadConfig({ CONSOLE_SESSION_IDLE: '30m', CONSOLE_SESSION_MAX: '1d', CONSOLE_FIRST_OPERATOR: 'Ana@Example.com' });
    expect(c.console).toMatchObject({ sessionIdleMs: 30 * 60_000, sessionMaxMs: 86_400_000, firstOperator: 'ana@example.com' });
    expect(loadConfig({}).console.firstOperator).toBeUndefined();
  });

  it('names the variable and the problem for a bad value', () => {
    expect(() => loadConfig({ CONSOLE_FIRST_OPERATOR: 'not an email' })).toThrow(ConfigError);
    expect(() => loadConfig({ CONSOLE_FIRST_OPERATOR: 'not an email' })).toThrow(/CONSOLE_FIRST_OPERATOR: must be an email address/);
    expect(() => loadConfig({ CONSOLE_SESSION_IDLE: 'soon' })).toThrow(/CONSOLE_SESSION_IDLE/);
  });
});
