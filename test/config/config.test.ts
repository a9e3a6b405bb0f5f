import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireExternalServices } from '../../config';

describe('configuration', () => {
  it('has embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.database.url).toBeUndefined();
    expect(c.temporal.address).toBeUndefined();
    expect(c.smtp.url).toBeUndefined();
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.temporal.taskQueue).toBe('okr-cycles');
  });

  it('names the variable and the problem', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', TOKEN_SECRET: 'short' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (e) {
      const msg = (e as ConfigError).message;
      expect(msg).toMatch(/PORT: .*got "eighty"/);
      expect(msg).toMatch(/DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//);
      expect(msg).toMatch(/TOKEN_SECRET: TOKEN_SECRET must be at least 32 characters/);
    }
  });

  it('bounds the completion deadline and gives stalled steps a 30 s probe interval by default', () => {
    const c = loadConfig({});
    expect(c.completionDeadlineMs).toBe(10_000);
    expect(c.stepPolicy.autoRetryAfter).toBe('30s');
    expect(loadConfig({ COMPLETION_DEADLINE: '1500ms' }).completionDeadlineMs).toBe(1500);
    for (const bad of ['500ms', '10m', 'soon']) {
      expect(() => loadConfig({ COMPLETION_DEADLINE: bad })).toThrow(new RegExp(`COMPLETION_DEADLINE: .*got "${bad}"`));
    }
  });

  it('requires the external services in production processes', () => {
    expect(() => requireExternalServices(loadConfig({}), { smtp: true, bootstrapKey: true })).toThrow(
      /DATABASE_URL: required[\s\S]*TEMPORAL_ADDRESS: required[\s\S]*SMTP_URL: required[\s\S]*TOKEN_SECRET: required[\s\S]*BOOTSTRAP_API_KEY: required/,
    );
    const ok = loadConfig({
      DATABASE_URL: 'postgres://db/okr',
      TEMPORAL_ADDRESS: 'temporal:7233',
      SMTP_URL: 'smtp://mail:1025',
      TOKEN_SECRET: 'x'.repeat(32),
      BOOTSTRAP_API_KEY: 'y'.repeat(32),
    });
    expect(() => requireExternalServices(ok, { smtp: true, bootstrapKey: true })).not.toThrow();
  });

  it('wants TLS certificate and key together', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(/TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together/);
  });
});
