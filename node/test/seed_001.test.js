'use strict';
// The secrets.get/set/delete calls of Bun's documentation (shared/seeds/001,
// https://bun.com/docs/runtime/secrets), unchanged, against this package with
// the default store: tresor's config as the CLI finds it ($TRESOR_CONFIG).
// prompt(), fetch() and console output of the examples are left out.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const test = require('node:test');

const { packageDir, writeConfig } = require('./helpers');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresor-node-seed-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
process.env.TRESOR_CONFIG = writeConfig(dir, 'vault');
process.env.TRESOR_NODE_TEST_PASSWORD = 'seed password';
process.env.AWS_SECRET_ACCESS_KEY = 'aws-secret-from-env';

const { secrets } = require(packageDir);
const Bun = { secrets };

test('index.ts: get, then set when missing', async () => {
  let githubToken = await secrets.get({
    service: "my-cli-tool",
    name: "github-token",
  });
  assert.equal(githubToken, null);
  if (!githubToken) {
    githubToken = 'ghp_from_the_prompt';

    await secrets.set({
      service: "my-cli-tool",
      name: "github-token",
      value: githubToken,
    });
  }
  assert.equal(await secrets.get({ service: 'my-cli-tool', name: 'github-token' }), githubToken);
});

test('API: get (both forms), set, delete', async () => {
  await secrets.set({
    service: "my-app",
    name: "[email protected]",
    value: "super-secret-password",
  });
  {
    const password = await Bun.secrets.get({
      service: "my-app",
      name: "[email protected]",
    });
    assert.equal(password, 'super-secret-password');
  }
  {
    const password = await Bun.secrets.get("my-app", "[email protected]");
    assert.equal(password, 'super-secret-password');
  }
  const deleted = await Bun.secrets.delete({
    service: "my-app",
    name: "[email protected]",
    value: "super-secret-password",
  });
  assert.equal(deleted, true);
  assert.equal(await Bun.secrets.get("my-app", "[email protected]"), null);
});

test('examples: CLI credentials, migration, error handling, updates', async () => {
  await Bun.secrets.set({
    service: "my-app.com",
    name: "github-token",
    value: "ghp_xxxxxxxxxxxxxxxxxxxx",
  });
  await Bun.secrets.set("my-app.com", "github-token", "ghp_xxxxxxxxxxxxxxxxxxxx");
  await Bun.secrets.set({
    service: "npm-registry",
    name: "https://registry.npmjs.org",
    value: "npm_xxxxxxxxxxxxxxxxxxxx",
  });
  const token = await Bun.secrets.get({
    service: "gh-cli",
    name: "github.com",
  });
  assert.equal(token, null);
  assert.equal(await Bun.secrets.get('my-app.com', 'github-token'), 'ghp_xxxxxxxxxxxxxxxxxxxx');

  await Bun.secrets.set({
    service: "aws-cli",
    name: "AWS_SECRET_ACCESS_KEY",
    value: process.env.AWS_SECRET_ACCESS_KEY,
  });
  await Bun.secrets.set({
    service: "my-app",
    name: "api-key",
    value: "sk_live_xxxxxxxxxxxxxxxxxxxx",
  });
  const apiKey =
    (await Bun.secrets.get({
      service: "my-app",
      name: "api-key",
    })) || process.env.API_KEY;
  assert.equal(apiKey, 'sk_live_xxxxxxxxxxxxxxxxxxxx');
  assert.equal(await secrets.get('aws-cli', 'AWS_SECRET_ACCESS_KEY'), 'aws-secret-from-env');

  try {
    await Bun.secrets.set({
      service: "my-app",
      name: "alice",
      value: "password123",
    });
  } catch (error) {
    assert.fail(`Failed to store credential: ${error.message}`);
  }
  const password = await Bun.secrets.get({
    service: "my-app",
    name: "alice",
  });
  assert.equal(password, 'password123');

  await Bun.secrets.set({
    service: "email-server",
    name: "[email protected]",
    value: "old-password",
  });
  await Bun.secrets.set({
    service: "email-server",
    name: "[email protected]",
    value: "new-password",
  });
  assert.equal(await secrets.get('email-server', '[email protected]'), 'new-password');
});
