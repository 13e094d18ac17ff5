// The request limits as an operator sets them: --max-batch-items and --max-ofrep-flags on the
// real CLI, each refused with the API's own 400 naming the limit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBuilt, runCli } from './support/runCli';

const FLAGS = `version: "1.4"
flags:
  - key: banner
    name: Banner
    type: BOOLEAN_FLAG_TYPE
    enabled: true
`;

describe.skipIf(!cliBuilt)('request limits from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-cli-limits-'));
  let relay: ReturnType<typeof runCli>;
  let url: string;
  beforeAll(async () => {
    writeFileSync(join(dir, 'features.yml'), FLAGS);
    relay = runCli(['--file', join(dir, 'features.yml'), '--port', '0', '--max-batch-items', '2', '--max-ofrep-flags', '1']);
    url = await relay.listening;
  });
  afterAll(async () => {
    relay.child.kill('SIGTERM');
    await relay.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    return { status: response.status, json: await response.json() };
  };
  const item = { namespaceKey: 'default', flagKey: 'banner', entityId: 'u1', context: {} };

  it('--max-batch-items: a batch over it is a 400 naming the limit, one at it is answered', async () => {
    expect(await post('/evaluate/v1/batch', { requests: [item, item, item] })).toMatchObject({ status: 400, json: { code: 3, message: expect.stringContaining('limit of 2') } });
    expect((await post('/evaluate/v1/batch', { requests: [item, item] })).status).toBe(200);
  });

  it('--max-ofrep-flags: a flags list over it is a 400 naming the limit', async () => {
    expect(await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'u1', flags: 'banner,other' } })).toMatchObject({
      status: 400,
      json: { errorCode: 'INVALID_CONTEXT', errorDetails: expect.stringContaining('limit of 1') },
    });
  });
});
