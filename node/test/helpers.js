'use strict';
// Shared by the tests: the staged package (CTest sets TRESOR_NODE_PACKAGE,
// TRESOR_LIBRARY and TRESOR_CLI) and tresor config files in a private folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const packageDir = process.env.TRESOR_NODE_PACKAGE;
if (!packageDir) {
  throw new Error('TRESOR_NODE_PACKAGE is not set: run these tests through CTest');
}

function privateDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresor-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A config whose only backend is `backend`: memory, or a vault file in
// `dir` unlocked from $TRESOR_NODE_TEST_PASSWORD with the given KDF cost.
function writeConfig(dir, backend, { memoryMib = 19, iterations = 2 } = {}) {
  const body =
    backend === 'vault'
      ? [
          'chain = ["vault"]',
          '[backend.vault]',
          'plugin = "vault"',
          `path = "${path.join(dir, 'vault.db')}"`,
          'unlock = "env:TRESOR_NODE_TEST_PASSWORD"',
          `kdf.memory_mib = ${memoryMib}`,
          `kdf.iterations = ${iterations}`,
        ]
      : [`chain = ["${backend}"]`, `[backend.${backend}]`, `plugin = "${backend}"`];
  const file = path.join(dir, 'config.toml');
  fs.writeFileSync(file, body.join('\n') + '\n', { mode: 0o600 });
  return file;
}

module.exports = { packageDir, privateDir, writeConfig, tresorCli: process.env.TRESOR_CLI };
