'use strict';
// The Bun.secrets shape over tresor: argument forms, strings and Buffers,
// misses, metadata, and errors carrying tresor's status and message.
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const test = require('node:test');

const { packageDir, privateDir, writeConfig, tresorCli } = require('./helpers');
const { Secrets } = require(packageDir);

process.env.TRESOR_NODE_TEST_PASSWORD = 'node test password';

function memoryStore(t) {
  return new Secrets({ config: writeConfig(privateDir(t), 'memory') });
}

test('object and positional forms reach the same entry', async (t) => {
  const secrets = memoryStore(t);
  assert.equal(await secrets.get({ service: 'svc', name: 'alice' }), null);
  await secrets.set({ service: 'svc', name: 'alice', value: 'pässword ✓' });
  assert.equal(await secrets.get('svc', 'alice'), 'pässword ✓');
  await secrets.set('svc', 'alice', 'second');
  assert.equal(await secrets.get({ service: 'svc', name: 'alice' }), 'second');
  await secrets.set({ service: 'svc', name: 'alice' }, 'third');
  assert.equal(await secrets.get('svc', 'alice'), 'third');
  assert.equal(await secrets.delete('svc', 'alice'), true);
  assert.equal(await secrets.delete({ service: 'svc', name: 'alice' }), false);
  assert.equal(await secrets.get('svc', 'alice'), null);
});

test('binary values through Buffer and Uint8Array', async (t) => {
  const secrets = memoryStore(t);
  const raw = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  await secrets.set('svc', 'buffer', raw);
  await secrets.set('svc', 'u8', new Uint8Array(raw));
  assert.deepEqual(await secrets.getBuffer('svc', 'buffer'), raw);
  assert.deepEqual(await secrets.getBuffer({ service: 'svc', name: 'u8' }), raw);
  assert.ok(Buffer.isBuffer(await secrets.getBuffer('svc', 'u8')));
  assert.equal(await secrets.getBuffer('svc', 'none'), null);
  const text = await secrets.getBuffer('svc', 'buffer');
  text.fill(0); // the caller's copy: wiping it leaves the stored value alone
  assert.deepEqual(await secrets.getBuffer('svc', 'buffer'), raw);
});

test('an empty value is a value, not a miss', async (t) => {
  const secrets = memoryStore(t);
  await secrets.set('svc', 'empty', '');
  assert.equal(await secrets.get('svc', 'empty'), '');
  assert.deepEqual(await secrets.getBuffer('svc', 'empty'), Buffer.alloc(0));
});

test('list gives metadata, never values', async (t) => {
  const secrets = memoryStore(t);
  await secrets.set('svc', 'a', 'v1');
  await secrets.set('svc', 'b', 'v2');
  await secrets.set('other', 'c', 'v3');
  const entries = await secrets.list({ service: 'svc' });
  assert.deepEqual(entries.map((e) => e.name).sort(), ['a', 'b']);
  for (const e of entries) {
    assert.equal(e.service, 'svc');
    assert.equal(e.type, 0);
    assert.ok(e.createdAt instanceof Date);
    assert.equal(e.expiresAt, null);
    assert.ok(!Object.values(e).includes('v1') && !Object.values(e).includes('v2'));
  }
  assert.equal((await secrets.list('other')).length, 1);
  assert.equal((await secrets.list()).length, 3);
});

// Issue 22, finding 4: Bun throws a bad argument at once, as a TypeError
// with a code; a rejected promise would slip past code ported from Bun that
// catches around the call.
test('bad arguments throw TypeErrors at once, and a NUL never cuts a key short', async (t) => {
  const secrets = memoryStore(t);
  await secrets.set('svc', 'a', 'must stay unread');
  const type = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
  assert.throws(() => secrets.get('svc', 'a\0b'), { ...type, code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => secrets.get('s\0vc', 'a'), { message: /service.*NUL/ });
  assert.throws(() => secrets.get({ service: 'svc' }), { ...type, message: /name/ });
  assert.throws(() => secrets.get(42, 'a'), { ...type, message: /service/ });
  assert.throws(() => secrets.set('svc', 'a', 42), { ...type, message: /value/ });
  assert.throws(() => secrets.set({ service: 'svc', name: 'a' }), type);
  assert.throws(() => secrets.delete({ service: 'svc', name: '' }), type);
  assert.throws(() => secrets.getBuffer(), type);
  assert.equal(await secrets.get('svc', 'a'), 'must stay unread');
  const cut = writeConfig(privateDir(t), 'memory') + '\0ignored';
  assert.throws(() => new Secrets({ config: cut }), { name: 'TypeError', message: /config.*NUL/ });
});

// Issue 22, finding 4: the core and the CLI apply the config's
// default_service to a call without one; so does the package now.
test('an omitted or empty service is the config default_service', async (t) => {
  const dir = privateDir(t);
  const config = writeConfig(dir, 'vault');
  const toml = fs.readFileSync(config, 'utf8');
  fs.writeFileSync(config, `default_service = "my-app"\n${toml}`, { mode: 0o600 });
  const secrets = new Secrets({ config });
  await secrets.set({ name: 'alice', value: 'from node' });
  assert.equal(await secrets.get('my-app', 'alice'), 'from node');
  assert.equal(await secrets.get({ service: '', name: 'alice' }), 'from node');
  assert.equal(await secrets.get(null, 'alice'), 'from node');
  const out = execFileSync(tresorCli, ['--config', config, 'get', 'my-app', 'alice'], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(out.toString(), 'from node\n');
  assert.equal(await secrets.delete({ name: 'alice' }), true);
});

test('a config error rejects with its code and message', async (t) => {
  const dir = privateDir(t);
  const file = require('node:path').join(dir, 'config.toml');
  require('node:fs').writeFileSync(file, 'chian = ["vault"]\n', { mode: 0o600 });
  const secrets = new Secrets({ config: file });
  await assert.rejects(secrets.get('svc', 'a'), (error) => {
    assert.equal(error.code, 'ERR_TRESOR_CONFIG');
    assert.equal(error.status, 9);
    assert.match(error.message, /did you mean 'chain'/);
    return true;
  });
});

test('a vault without its password is locked, and the value is never in the error', async (t) => {
  const secrets = new Secrets({ config: writeConfig(privateDir(t), 'vault') });
  const saved = process.env.TRESOR_NODE_TEST_PASSWORD;
  delete process.env.TRESOR_NODE_TEST_PASSWORD;
  t.after(() => (process.env.TRESOR_NODE_TEST_PASSWORD = saved));
  await assert.rejects(secrets.set('svc', 'a', 'secret value'), (error) => {
    assert.equal(error.code, 'ERR_TRESOR_LOCKED');
    assert.doesNotMatch(error.message, /secret value/);
    return true;
  });
});

test('a vault written here is read by the tresor CLI', async (t) => {
  const config = writeConfig(privateDir(t), 'vault');
  await new Secrets({ config }).set('svc', 'n', 'written by node');
  assert.equal(await new Secrets({ config }).get('svc', 'n'), 'written by node');
  const out = execFileSync(tresorCli, ['--config', config, 'get', 'svc', 'n'], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(out.toString().trimEnd(), 'written by node');
});

// Issue 22, finding 1: an expiry past a Date's range (git can store
// INT64_MAX seconds) was an Invalid Date; it is the latest Date.
test('a far-future expiry lists as a valid Date', async (t) => {
  const config = writeConfig(privateDir(t), 'vault');
  const helper = require('node:path').join(require('node:path').dirname(tresorCli),
    'git-credential-tresor');
  for (const [host, expiry] of [['far.example', '9223372036854775807'], ['git.example', '9999999999']]) {
    execFileSync(helper, ['--config', config, 'store'], {
      input: `protocol=https\nhost=${host}\nusername=u\npassword=p\npassword_expiry_utc=${expiry}\n`,
      env: process.env,
    });
  }
  const secrets = new Secrets({ config });
  const [far] = await secrets.list('git:https://far.example');
  assert.equal(far.expiresAt.getTime(), 8.64e15);
  const [git] = await secrets.list('git:https://git.example');
  assert.equal(git.expiresAt.toISOString(), '2286-11-20T17:46:39.000Z');
});

test('without libtresor every call rejects with a clear error', () => {
  const script = `
    const { secrets } = require(${JSON.stringify(packageDir)});
    secrets.get('svc', 'n').then(
      () => console.log('resolved'),
      (e) => console.log(e.code + ': ' + e.message));`;
  const out = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, TRESOR_LIBRARY: '/nonexistent/libtresor.so' },
  });
  assert.equal(out.status, 0, out.stderr.toString());
  assert.match(
    out.stdout.toString(),
    /^ERR_TRESOR_LIBRARY_NOT_FOUND: tresor library not found: \/nonexistent\/libtresor.so: .*TRESOR_LIBRARY/,
  );
});

test('the installed library is found by its soname', (t) => {
  // Without TRESOR_LIBRARY the dynamic loader's search finds libtresor.so.0;
  // LD_LIBRARY_PATH stands in for the system's library folders here.
  const path = require('node:path');
  const fs = require('node:fs');
  const config = writeConfig(privateDir(t), 'memory');
  const script = `
    const { Secrets } = require(${JSON.stringify(packageDir)});
    const s = new Secrets({ config: ${JSON.stringify(config)} });
    s.set('a', 'b', 'c').then(() => s.get('a', 'b')).then(console.log, (e) => console.log(e.message));`;
  const env = { ...process.env };
  delete env.TRESOR_LIBRARY;
  env.LD_LIBRARY_PATH = path.dirname(fs.realpathSync(process.env.TRESOR_LIBRARY));
  const out = spawnSync(process.execPath, ['-e', script], { env });
  assert.equal(out.stdout.toString(), 'c\n', out.stderr.toString());
});

function loadError(library) {
  const script = `
    const { Secrets } = require(${JSON.stringify(packageDir)});
    new Secrets({ config: '/nonexistent.toml' }).get('a', 'b').then(
      () => console.log('resolved'), (e) => console.log(e.code + ': ' + e.message));`;
  const out = spawnSync(process.execPath, ['-e', script], {
    env: { ...process.env, TRESOR_LIBRARY: library },
  });
  return out.stdout.toString();
}

test('a library others could have written, or named relatively, is refused', (t) => {
  const fs = require('node:fs');
  const path = require('node:path');
  const copy = path.join(privateDir(t), 'libtresor.so');
  fs.copyFileSync(fs.realpathSync(process.env.TRESOR_LIBRARY), copy);
  fs.chmodSync(copy, 0o644);
  assert.match(loadError(copy), /ERR_TRESOR_CONFIG/); // loaded: the config is what fails
  fs.chmodSync(copy, 0o666);
  assert.match(loadError(copy), /^ERR_TRESOR_LIBRARY_NOT_FOUND: .*refusing .*writable by group or others/);
  if (process.getuid() === 0) {
    fs.chmodSync(copy, 0o644);
    fs.chownSync(copy, 65534, 0);
    assert.match(loadError(copy), /owned by uid 65534, neither root nor you/);
  }
  assert.match(loadError('libtresor.so'), /refusing libtresor.so: not an absolute path/);
});
