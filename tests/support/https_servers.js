'use strict';
// For node tests: the HTTPS servers of https_echo_server.py in `folder`,
// stopped when the test ends; resolves with { folder, ports, received() },
// received() being the last request they logged.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

async function startHttpsServers(t, folder) {
  const script = path.join(__dirname, 'https_echo_server.py');
  const server = spawn('/usr/bin/python3', [script, folder], { stdio: ['pipe', 'inherit', 'inherit'] });
  t.after(() => server.stdin.end());  // its stdin closing ends it
  for (let i = 0; i < 200 && !fs.existsSync(path.join(folder, 'ports')); ++i) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  fs.chmodSync(path.join(folder, 'ca.crt'), 0o600);
  const ports = fs.readFileSync(path.join(folder, 'ports'), 'utf8').trim().split(' ').map(Number);
  const received = () => {
    const lines = fs.readFileSync(path.join(folder, 'requests.log'), 'utf8').trim().split('\n');
    return JSON.parse(lines[lines.length - 1]);
  };
  return { folder, ports, received };
}

module.exports = { startHttpsServers };
