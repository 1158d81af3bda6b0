'use strict';
// Seed 000's `credentials` API (shared/seeds/000: set(key, value, opts?),
// get(key, opts?) -> string | null, delete(key, opts?) a no-op when
// missing), its examples as written there, against this package with the
// default store: tresor's config as the CLI finds it ($TRESOR_CONFIG), whose
// default_service stands for the seed's default namespace. fetch() and the
// login screen of the examples are left out (issue 22, finding 4).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { packageDir, writeConfig, tresorCli } = require('./helpers');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresor-node-seed0-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const config = writeConfig(dir, 'vault');
fs.writeFileSync(config, `default_service = "velox"\n${fs.readFileSync(config, 'utf8')}`);
process.env.TRESOR_CONFIG = config;
process.env.TRESOR_NODE_TEST_PASSWORD = 'seed 000 password';

const { credentials } = require(packageDir);

function tresorGet(service, name) {
  return execFileSync(tresorCli, ['get', service, name, '--raw'], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
}

test('set, get and delete with and without a service', async () => {
  const userToken = 'user-token-1';
  const apiKey = 'sk-api-key';
  assert.equal(await credentials.set('auth_token', userToken), undefined);
  await credentials.set('api_key', apiKey, { service: 'my-app' });
  assert.equal(await credentials.get('auth_token'), userToken);
  assert.equal(await credentials.get('api_key', { service: 'my-app' }), apiKey);
  assert.equal(await credentials.get('api_key'), null); // another namespace
  assert.equal(tresorGet('velox', 'auth_token'), userToken);
  assert.equal(tresorGet('my-app', 'api_key'), apiKey);
  assert.equal(await credentials.delete('auth_token'), undefined);
  assert.equal(await credentials.get('auth_token'), null);
  assert.equal(await credentials.delete('auth_token'), undefined); // no-op when missing
});

test('the auth token lifecycle', async () => {
  async function onLogin(token) {
    await credentials.set('session_token', token);
  }
  async function checkAuth() {
    const token = await credentials.get('session_token');
    if (token) {
      return token;
    }
    return null;
  }
  async function onLogout() {
    await credentials.delete('session_token');
  }
  assert.equal(await checkAuth(), null);
  await onLogin('tok-from-login');
  assert.equal(await checkAuth(), 'tok-from-login');
  await onLogout();
  assert.equal(await checkAuth(), null);
});

test('JSON values and per-service namespaces', async () => {
  await credentials.set('llm_config', JSON.stringify({
    provider: 'openai',
    apiKey: 'sk-...',
    model: 'gpt-4o',
  }));
  const rawConfig = await credentials.get('llm_config');
  const parsed = rawConfig ? JSON.parse(rawConfig) : null;
  assert.deepEqual(parsed, { provider: 'openai', apiKey: 'sk-...', model: 'gpt-4o' });

  await credentials.set('token', 'gh', { service: 'github' });
  await credentials.set('token', 'sl', { service: 'slack' });
  await credentials.set('token', 'no', { service: 'notion' });
  const gh = await credentials.get('token', { service: 'github' });
  assert.equal(gh, 'gh');
  assert.equal(await credentials.get('token', { service: 'slack' }), 'sl');
});

test('bad arguments throw a TypeError at once', () => {
  assert.throws(() => credentials.get(''), { name: 'TypeError', message: /key/ });
  assert.throws(() => credentials.set('k', 42), { name: 'TypeError', message: /value/ });
  assert.throws(() => credentials.get('k', 'github'), { name: 'TypeError', message: /options/ });
  assert.throws(() => credentials.delete('k', { service: 7 }), { name: 'TypeError' });
});
