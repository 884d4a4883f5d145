import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_INGEST_API_KEY, loadConfig, loadStorageConfig } from './config.ts';

describe('configuration (read once, validated, every bad variable named)', () => {
  it('treats an empty variable as unset, and gives the demo ingest key only in demo mode', () => {
    const demo = loadConfig({ PORT: '', VIGIL_DEMO: '1' });
    expect(demo.PORT).toBe(8080);
    expect(demo.ingestApiKey).toBe(DEMO_INGEST_API_KEY);
    expect(loadConfig({}).ingestApiKey).toBeNull();
    expect(Object.isFrozen(demo)).toBe(true);
  });

  it('names every bad variable with its value, all at once', () => {
    let problems: string[] = [];
    try {
      loadConfig({ PORT: 'x', FLUSH_INTERVAL_MS: '5000' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^PORT="x": /);
    expect(problems[1]).toMatch(/^FLUSH_INTERVAL_MS="5000": must be at most 1000/);
  });

  it('the command line reads the same variables and defaults, and only those', () => {
    expect(() => loadStorageConfig({ VIGIL_DEMO: 'maybe' })).toThrow(/VIGIL_DEMO="maybe"/);
    const storage = loadStorageConfig({ PORT: 'not checked here', DATA_DIR: 'somewhere' });
    expect(storage.DATA_DIR).toBe(path.resolve('somewhere'));
    expect(storage.FACILITY_FILE).toBe(loadConfig({}).FACILITY_FILE);
  });

  it('reads WEBHOOK_URLS and PUBLIC_URL as comma-separated http(s) URLs; PUBLIC_URL as distinct origins', () => {
    const c = loadConfig({
      WEBHOOK_URLS: ' http://127.0.0.1:9/hook, ,https://hooks.example.com/a ',
      PUBLIC_URL: 'https://vigil.example.com/x,https://vigil.example.com,http://10.0.0.5:8080',
    });
    expect(c.WEBHOOK_URLS).toEqual(['http://127.0.0.1:9/hook', 'https://hooks.example.com/a']);
    expect(c.PUBLIC_URL).toEqual(['https://vigil.example.com', 'http://10.0.0.5:8080']);
    expect(loadConfig({}).WEBHOOK_URLS).toEqual([]);
    expect(loadConfig({}).PUBLIC_URL).toEqual([]);
    for (const name of ['WEBHOOK_URLS', 'PUBLIC_URL']) {
      expect(() => loadConfig({ [name]: 'https://ok.example.com,ftp://files.example.com' })).toThrow(
        new RegExp(`${name}=.*must be comma-separated http\\(s\\) URLs`),
      );
      expect(() => loadConfig({ [name]: 'not a url' })).toThrow(new RegExp(`${name}=`));
    }
  });
});
