'use strict';
// tresor mcp driven by the official MCP client (@modelcontextprotocol/sdk,
// Client + StdioClientTransport, installed by scripts/install-deps --test)
// as an agent's host would: initialize, tools/list, tools/call; the
// requests go to real HTTPS servers behind a test CA
// (tests/support/https_echo_server.py). No tool ever returns a value.
const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { startHttpsServers } = require('../../support/https_servers.js');

const sdkDir = process.env.TRESOR_MCP_SDK;
const tresor = process.env.TRESOR_CLI;
if (!sdkDir || !fs.existsSync(path.join(sdkDir, 'node_modules', '@modelcontextprotocol', 'sdk'))) {
  throw new Error(`no MCP SDK in ${sdkDir}: run scripts/install-deps --test`);
}
const sdk = createRequire(path.join(sdkDir, 'package.json'));
const { Client } = sdk('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = sdk('@modelcontextprotocol/sdk/client/stdio.js');

const password = 'mcp test password';
const secrets = ['tok-MCP1', 'pw-MCP2', 'tok-MCP3'];

function setup(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresor-mcp-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function servers(t, dir) {
  const folder = path.join(dir, 'https');
  fs.mkdirSync(folder, { mode: 0o700 });
  return startHttpsServers(t, folder);
}

// A vault with three credentials (two with the origin), requests trusting the test CA.
function vault(dir, https, origin) {
  const config = path.join(dir, 'config.toml');
  fs.writeFileSync(config, [
    '[backend.vault]', 'plugin = "vault"', `path = "${path.join(dir, 'vault.db')}"`,
    'kdf = { memory_mib = 19, iterations = 2 }', '[http]',
    `ca_file = "${path.join(https.folder, 'ca.crt')}"`, ''].join('\n'), { mode: 0o600 });
  const env = { ...process.env, TRESOR_VAULT_PASSWORD: password };
  const set = (args, value) => execFileSync(tresor, ['--config', config, 'set', ...args], { input: value, env });
  set(['api', 'bearer', '--type', 'bearer_token', '--origin', origin,
    '--description', 'the API token'], secrets[0]);
  set(['api', 'basic', '--type', 'basic_auth', '--username', 'bot', '--origin', origin], secrets[1]);
  set(['other', 'plain', '--type', 'bearer_token'], secrets[2]);
  return config;
}

async function connect(t, config, extra = []) {
  const stderr = [];
  const transport = new StdioClientTransport({
    command: tresor,
    args: ['--config', config, 'mcp', ...extra],
    env: { PATH: process.env.PATH, HOME: os.tmpdir(), TRESOR_VAULT_PASSWORD: password },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'tresor-test', version: '1.0.0' });
  await client.connect(transport);
  transport.stderr.on('data', (chunk) => stderr.push(chunk.toString()));
  t.after(() => client.close());
  return { client, stderr };
}

function textOf(result) {
  return result.content.map((c) => c.text).join('\n');
}

test('an MCP client lists credentials and makes requests, and never sees a value', async (t) => {
  const dir = setup(t);
  const https = await servers(t, dir);
  const origin = `https://localhost:${https.ports[0]}`;
  const config = vault(dir, https, origin);
  const { client, stderr } = await connect(t, config);
  const seen = [];

  assert.equal(client.getServerVersion().name, 'tresor');
  assert.ok(client.getServerCapabilities().tools);
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), ['http_request', 'list_credentials']);

  const listed = await client.callTool({ name: 'list_credentials', arguments: {} });
  seen.push(JSON.stringify(listed));
  assert.equal(listed.isError, undefined);
  const credentials = listed.structuredContent.credentials;
  assert.deepEqual(credentials.map((c) => `${c.service}/${c.name}`), ['api/basic', 'api/bearer']);
  assert.equal(credentials[1].origins, origin);
  assert.equal(credentials[1].description, 'the API token');

  const echoed = await client.callTool({
    name: 'http_request',
    arguments: { service: 'api', name: 'bearer', url: `${origin}/echo-header`,
      headers: { 'X-Agent': 'yes' } },
  });
  seen.push(JSON.stringify(echoed));
  assert.equal(echoed.isError, undefined, textOf(echoed));
  assert.equal(echoed.structuredContent.status, 200);
  assert.equal(echoed.structuredContent.redacted, true);
  assert.match(echoed.structuredContent.body, /^your header: \[REDACTED\]/);
  assert.equal(https.received().headers.find(([k]) => k === 'Authorization')[1], `Bearer ${secrets[0]}`);
  assert.equal(https.received().headers.find(([k]) => k === 'X-Agent')[1], 'yes');

  const posted = await client.callTool({
    name: 'http_request',
    arguments: { service: 'api', name: 'basic', url: `${origin}/echo`, method: 'POST', body: '{"q":1}' },
  });
  seen.push(JSON.stringify(posted));
  assert.equal(JSON.parse(posted.structuredContent.body).body, '{"q":1}');

  // Refusals are tool errors the agent reads, never a value.
  for (const [args, words] of [
    [{ url: `https://127.0.0.1:${https.ports[1]}/` }, /not an origin/],
    [{ url: `https://localhost:${https.ports[0]}@127.0.0.1:${https.ports[1]}/` }, /user information/],
    [{ url: `${origin}/echo`, headers: { Authorization: 'Bearer mine' } }, /set by tresor/],
    [{ url: `${origin}/slow`, timeout_ms: 300 }, /within 300 ms/],
  ]) {
    const refused = await client.callTool({
      name: 'http_request', arguments: { service: 'api', name: 'bearer', ...args } });
    seen.push(JSON.stringify(refused));
    assert.equal(refused.isError, true);
    assert.match(textOf(refused), words);
  }
  const noOrigins = await client.callTool({
    name: 'http_request', arguments: { service: 'other', name: 'plain', url: `${origin}/` } });
  assert.match(textOf(noOrigins), /names no origins/);
  const badArguments = await client.callTool({
    name: 'http_request', arguments: { service: 'api', name: 'bearer', url: 1 } });
  assert.equal(badArguments.isError, true);
  await assert.rejects(client.callTool({ name: 'get_secret', arguments: {} }), /no tool/);

  assert.ok(stderr.join('').includes('tresor mcp: GET api/bearer 200'));
  const everything = seen.join('\n') + stderr.join('');
  for (const value of secrets) {
    assert.ok(!everything.includes(value), `${value} appeared`);
  }
});

test('--service narrows what an agent sees and uses', async (t) => {
  const dir = setup(t);
  const https = await servers(t, dir);
  const origin = `https://localhost:${https.ports[0]}`;
  const { client } = await connect(t, vault(dir, https, origin), ['--service', 'other']);
  const listed = await client.callTool({ name: 'list_credentials', arguments: {} });
  assert.deepEqual(listed.structuredContent.credentials, []);
  const refused = await client.callTool({
    name: 'http_request', arguments: { service: 'api', name: 'bearer', url: `${origin}/echo` } });
  assert.equal(refused.isError, true);
  assert.match(textOf(refused), /not served by this tresor mcp/);
});

test('malformed lines get JSON-RPC errors and the server goes on', async (t) => {
  const dir = setup(t);
  const https = await servers(t, dir);
  const config = vault(dir, https, `https://localhost:${https.ports[0]}`);
  const child = spawn(tresor, ['--config', config, 'mcp'], {
    env: { ...process.env, TRESOR_VAULT_PASSWORD: password } });
  let out = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  const lines = [
    'not json', '[{"jsonrpc":"2.0","id":1,"method":"ping"}]', '{"jsonrpc":"1.0","id":2,"method":"ping"}',
    '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}', '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":[]}',
    '{"jsonrpc":"2.0","id":4,"method":"nope"}', '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    'x'.repeat(5 * 1024 * 1024), '{"jsonrpc":"2.0","id":5,"method":"ping"}',
  ];
  child.stdin.end(lines.join('\n') + '\n');
  await new Promise((resolve) => child.on('close', resolve));
  const answers = out.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(answers.map((a) => (a.error ? a.error.code : 'ok')),
    [-32700, -32600, -32600, -32600, -32602, -32601, -32600, 'ok']);
  assert.deepEqual(answers[answers.length - 1], { jsonrpc: '2.0', id: 5, result: {} });
});
