// bun_peer.js: Bun.secrets (Bun from the npm registry, its libsecret calls
// with schema com.oven-sh.bun.Secret), behind the peers' command line:
//   bun bun_peer.js get SERVICE NAME      Bun.secrets.get: the value on stdout; exit 1: none
//   bun bun_peer.js set SERVICE NAME      Bun.secrets.set: the value from stdin
//   bun bun_peer.js delete SERVICE NAME   Bun.secrets.delete; exit 1: nothing deleted
// Bun.secrets has no listing. Exit 2 with the message on an error.
const [op, service, name] = process.argv.slice(2);
try {
  if (op === "get" && name) {
    const value = await Bun.secrets.get({ service, name });
    if (value === null) process.exit(1);
    process.stdout.write(value);
  } else if (op === "set" && name) {
    await Bun.secrets.set({ service, name, value: await Bun.stdin.text() });
  } else if (op === "delete" && name) {
    process.exit((await Bun.secrets.delete({ service, name })) ? 0 : 1);
  } else {
    console.error("usage: bun bun_peer.js get|set|delete SERVICE NAME");
    process.exit(2);
  }
} catch (error) {
  console.error(`bun_peer: ${error}`);
  process.exit(2);
}
