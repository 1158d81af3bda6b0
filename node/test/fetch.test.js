'use strict';
// secrets.fetch(): a request tresor makes with a stored credential, against
// a real HTTPS server on loopback behind a test CA
// (tests/support/https_echo_server.py), settled on libuv's pool.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');

const { packageDir, privateDir, writeConfig, tresorCli } = require('./helpers');
const { Secrets } = require(packageDir);

process.env.TRESOR_NODE_TEST_PASSWORD = 'node test password';
const { startHttpsServers } = require(
  path.join(__dirname, '..', '..', 'tests', 'support', 'https_servers.js'));

function startServers(t) {
  return startHttpsServers(t, privateDir(t));
}

// A vault (so the CLI, another process, can store the credential with its
// origin) whose requests trust the test CA.
function storeWith(t, https, origin) {
  const config = writeConfig(privateDir(t), 'vault');
  fs.appendFileSync(config, `[http]\nca_file = "${path.join(https.folder, 'ca.crt')}"\n`);
  execFileSync(tresorCli, ['--config', config, 'set', 'api', 'key', '--type', 'api_key',
    '--field', 'header=X-Api-Key', '--origin', origin], { input: 'key-NODE1' });
  return new Secrets({ config });
}

test('fetch sends the credential to its origin and resolves with a redacted Response', async (t) => {
  const https = await startServers(t);
  const origin = `https://localhost:${https.ports[0]}`;
  const secrets = storeWith(t, https, origin);
  const response = await secrets.fetch({ service: 'api', name: 'key' }, `${origin}/echo`, {
    method: 'POST',
    headers: { 'X-Trace': 'node' },
    body: 'hello',
  });
  assert.ok(response instanceof Response);
  assert.equal(response.status, 200);
  assert.equal(response.redacted, true);
  const echoed = await response.json();
  assert.equal(echoed.body, 'hello');
  assert.deepEqual(echoed.headers.find(([k]) => k === 'X-Api-Key'), ['X-Api-Key', '[REDACTED]']);
  const got = Object.fromEntries(https.received().headers);
  assert.equal(got['X-Api-Key'], 'key-NODE1');
  assert.equal(got['X-Trace'], 'node');
  assert.equal(await secrets.fetch({ service: 'api', name: 'none' }, `${origin}/echo`), null);
  const redirect = await secrets.fetch({ service: 'api', name: 'key' },
    `${origin}/redirect?to=https://127.0.0.1:${https.ports[1]}/`);
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get('location'), `https://127.0.0.1:${https.ports[1]}/`);
});

test('fetch refuses other origins and caller credentials, with tresor codes', async (t) => {
  const https = await startServers(t);
  const origin = `https://localhost:${https.ports[0]}`;
  const secrets = storeWith(t, https, origin);
  const key = { service: 'api', name: 'key' };
  await assert.rejects(secrets.fetch(key, `https://127.0.0.1:${https.ports[1]}/echo`),
    { code: 'ERR_TRESOR_PERMISSION_DENIED', message: /not an origin/ });
  await assert.rejects(secrets.fetch(key, `${origin}/echo`, { headers: [['x-api-key', 'mine']] }),
    { code: 'ERR_TRESOR_INVALID_ARGUMENT' });
  await assert.rejects(secrets.fetch(key, `${origin}/big?bytes=5000`, { maxResponseBytes: 1000 }),
    { code: 'ERR_TRESOR_IO', message: /larger than 1000 bytes/ });
});

test('a slow request waits on the pool, not on the event loop', async (t) => {
  const https = await startServers(t);
  const origin = `https://localhost:${https.ports[0]}`;
  const secrets = storeWith(t, https, origin);
  let ticks = 0;
  const timer = setInterval(() => ++ticks, 20);
  await assert.rejects(secrets.fetch({ service: 'api', name: 'key' }, `${origin}/slow`, { timeout: 600 }),
    { code: 'ERR_TRESOR_IO', message: /within 600 ms/ });
  clearInterval(timer);
  assert.ok(ticks >= 10, `the event loop ran ${ticks} times`);
});
