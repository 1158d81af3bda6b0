'use strict';
// The same get as c_api_get.c through the Node package, in a process of its
// own. Prints {"sequential": ns, "concurrent": ns, "immediate": ns}: medians
// of 5 runs of CALLS calls. sequential awaits each get before the next (the
// latency of one call); concurrent keeps 64 gets in flight (the cost per
// call when the thread pool is kept busy); immediate is one setImmediate
// round trip of the event loop, for scale.
// usage: node node_get.js CALLS (TRESOR_NODE_PACKAGE, TRESOR_LIBRARY set)
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const { Secrets } = require(process.env.TRESOR_NODE_PACKAGE);
const VALUE = '0123456789012345678901234567890123456789';

async function medianNs(calls, body) {
  await body(Math.ceil(calls / 10));
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const start = process.hrtime.bigint();
    await body(calls);
    runs.push(Number(process.hrtime.bigint() - start) / calls);
  }
  return runs.sort((a, b) => a - b)[2];
}

async function main() {
  const calls = Number(process.argv[2]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresor-bench-'));
  const config = path.join(dir, 'config.toml');
  fs.writeFileSync(config, 'chain = ["memory"]\n[backend.memory]\nplugin = "memory"\n', {
    mode: 0o600,
  });
  const secrets = new Secrets({ config });
  await secrets.set('bench', 'token', VALUE);
  fs.rmSync(dir, { recursive: true });
  if ((await secrets.get('bench', 'token')) !== VALUE) {
    throw new Error('node_get: the value read back differs');
  }
  const sequential = await medianNs(calls, async (n) => {
    for (let i = 0; i < n; i++) await secrets.get('bench', 'token');
  });
  const concurrent = await medianNs(calls, async (n) => {
    for (let done = 0; done < n; done += 64) {
      await Promise.all(Array.from({ length: 64 }, () => secrets.get('bench', 'token')));
    }
  });
  const randomFill = promisify(crypto.randomFill);
  const oneByte = Buffer.alloc(1);
  const pool = await medianNs(calls, async (n) => {
    for (let i = 0; i < n; i++) await randomFill(oneByte);
  });
  console.log(JSON.stringify({ sequential, concurrent, pool }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
