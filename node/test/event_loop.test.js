'use strict';
// Every call runs on libuv's thread pool: a timer keeps firing while a vault
// is unlocked with a KDF costly enough to take a few hundred milliseconds.
// Were the unlock run on the main thread, the timer could not fire at all
// until it returned.
const assert = require('node:assert/strict');
const test = require('node:test');

const { packageDir, privateDir, writeConfig } = require('./helpers');
const { Secrets } = require(packageDir);

process.env.TRESOR_NODE_TEST_PASSWORD = 'event loop password';

test('a timer keeps firing during a slow vault unlock', async (t) => {
  // Argon2id 128 MiB, 3 passes: about 300 ms on the project's machine.
  const config = writeConfig(privateDir(t), 'vault', { memoryMib: 128, iterations: 3 });
  await new Secrets({ config }).set('svc', 'n', 'behind a slow KDF');

  const fresh = new Secrets({ config }); // a new store: its first get unlocks
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const started = process.hrtime.bigint();
  const value = await fresh.get('svc', 'n');
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(timer);

  assert.equal(value, 'behind a slow KDF');
  t.diagnostic(`unlock + get took ${elapsedMs.toFixed(0)} ms; the 5 ms timer fired ${ticks} times`);
  assert.ok(ticks >= 5, `the timer fired ${ticks} times during ${elapsedMs.toFixed(0)} ms`);
});

test('concurrent calls all settle, each on the pool', async (t) => {
  const secrets = new Secrets({ config: writeConfig(privateDir(t), 'memory') });
  const names = Array.from({ length: 64 }, (_, i) => `n${i}`);
  await Promise.all(names.map((n) => secrets.set('svc', n, `value of ${n}`)));
  const values = await Promise.all(names.map((n) => secrets.get('svc', n)));
  assert.deepEqual(values, names.map((n) => `value of ${n}`));
  const removed = await Promise.all(names.map((n) => secrets.delete('svc', n)));
  assert.ok(removed.every((r) => r === true));
});
