import { ConfigError, loadConfig } from './load-config';
import { SwitchboardConfig } from './switchboard.config';

describe('SwitchboardConfig: recall window and admin token', () => {
  it('defaults to a 120 s recall window and no admin API', () => {
    const config = loadConfig(SwitchboardConfig, {});
    expect(config.RECALL_WINDOW_SECONDS).toBe(120);
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });

  it('takes a valid recall window and admin token', () => {
    const config = loadConfig(SwitchboardConfig, { RECALL_WINDOW_SECONDS: '30', ADMIN_TOKEN: 'a'.repeat(32) });
    expect(config.RECALL_WINDOW_SECONDS).toBe(30);
    expect(config.ADMIN_TOKEN).toBe('a'.repeat(32));
  });

  it.each([['0'], ['-5'], ['1.5'], ['soon'], [String(8 * 24 * 3600)]])('refuses RECALL_WINDOW_SECONDS=%s', (value) => {
    expect(() => loadConfig(SwitchboardConfig, { RECALL_WINDOW_SECONDS: value })).toThrow(/RECALL_WINDOW_SECONDS/);
  });

  it('refuses an admin token shorter than 32 characters', () => {
    expect(() => loadConfig(SwitchboardConfig, { ADMIN_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig(SwitchboardConfig, { ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN must be at least 32/);
  });
});

describe('SwitchboardConfig: multi-device policy', () => {
  it('defaults to all', () => {
    expect(loadConfig(SwitchboardConfig, {}).MULTI_DEVICE_POLICY).toBe('all');
  });

  it.each([['all'], ['per-platform'], ['single']])('takes MULTI_DEVICE_POLICY=%s', (value) => {
    expect(loadConfig(SwitchboardConfig, { MULTI_DEVICE_POLICY: value }).MULTI_DEVICE_POLICY).toBe(value);
  });

  it('refuses an unknown policy', () => {
    expect(() => loadConfig(SwitchboardConfig, { MULTI_DEVICE_POLICY: 'one' })).toThrow(/MULTI_DEVICE_POLICY/);
  });
});

describe('SwitchboardConfig: HTTP body limit', () => {
  it.each([
    ['64kb', 65536],
    ['1MB', 1048576],
    ['10b', 10],
  ])('reads HTTP_BODY_LIMIT=%s as %i bytes', (value, bytes) => {
    expect(loadConfig(SwitchboardConfig, { HTTP_BODY_LIMIT: value }).httpBodyLimitBytes).toBe(bytes);
  });

  it('refuses a limit without a unit it knows', () => {
    expect(() => loadConfig(SwitchboardConfig, { HTTP_BODY_LIMIT: '64 kilobytes' })).toThrow(/HTTP_BODY_LIMIT/);
  });
});

describe('SwitchboardConfig: ack window', () => {
  it('defaults to 500 ms and takes a valid window', () => {
    expect(loadConfig(SwitchboardConfig, {}).PUSH_ACK_WINDOW_MS).toBe(500);
    expect(loadConfig(SwitchboardConfig, { PUSH_ACK_WINDOW_MS: '100' }).PUSH_ACK_WINDOW_MS).toBe(100);
  });

  it.each([['0'], ['5'], ['20000'], ['1.5'], ['soon']])('refuses PUSH_ACK_WINDOW_MS=%s', (value) => {
    expect(() => loadConfig(SwitchboardConfig, { PUSH_ACK_WINDOW_MS: value })).toThrow(/PUSH_ACK_WINDOW_MS/);
  });
});
