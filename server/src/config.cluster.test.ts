// Cluster mode is NODE_ID with a shared PostgreSQL store (docs/decisions/0007-postgresql-and-several-nodes.md):
// a node id on SQLite, or one without its URL or secret, is refused at start rather than running a
// node its peers cannot reach or that shares nothing with them.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const DATABASE_URL = 'postgres://vigil:pw@db.example.com:5432/vigil';
const SECRET = 'a-node-secret-of-at-least-32-characters';
const NODE = { DATABASE_URL, NODE_ID: 'node-a', NODE_URL: 'http://10.0.0.5:8080', NODE_SECRET: SECRET };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('cluster configuration', () => {
  it('is a cluster node with NODE_ID, NODE_URL, NODE_SECRET and DATABASE_URL; one node without NODE_ID', () => {
    expect(loadConfig(NODE).cluster).toEqual({ nodeId: 'node-a', nodeUrl: 'http://10.0.0.5:8080', nodeSecret: SECRET });
    expect(loadConfig({ DATABASE_URL }).cluster).toBeNull();
    expect(loadConfig({}).cluster).toBeNull();
  });

  it('refuses NODE_ID on SQLite, and a node without its URL or secret, naming each', () => {
    expect(problems({ ...NODE, DATABASE_URL: '' })).toEqual([expect.stringMatching(/^NODE_ID="node-a": .*set DATABASE_URL/)]);
    expect(problems({ ...NODE, NODE_URL: undefined, NODE_SECRET: undefined })).toEqual([
      expect.stringMatching(/^NODE_URL: required with NODE_ID/),
      expect.stringMatching(/^NODE_SECRET: required with NODE_ID/),
    ]);
  });

  it('refuses a short secret, a bad node id or URL, and NODE_URL/NODE_SECRET without NODE_ID', () => {
    expect(problems({ ...NODE, NODE_SECRET: 'short' })).toEqual([expect.stringMatching(/^NODE_SECRET=.*at least 32 characters/)]);
    expect(problems({ ...NODE, NODE_ID: 'a b' })).toEqual([expect.stringMatching(/^NODE_ID="a b": must be/)]);
    expect(problems({ ...NODE, NODE_URL: 'ftp://x' })).toEqual([expect.stringMatching(/^NODE_URL="ftp:\/\/x"/)]);
    expect(problems({ DATABASE_URL, NODE_URL: 'http://10.0.0.5:8080', NODE_SECRET: SECRET })).toEqual([
      expect.stringMatching(/^NODE_URL: applies to a cluster node only/),
      expect.stringMatching(/^NODE_SECRET: applies to a cluster node only/),
    ]);
  });
});
