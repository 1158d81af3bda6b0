'use strict';
// @tresor/secrets: the tresor secret store in the shape of Bun.secrets, and
// the `credentials` shape of seed 000.
//
//   const { secrets, credentials } = require('@tresor/secrets');
//   await secrets.set({ service: 'my-app', name: 'api-key', value: 'sk_...' });
//   const key = await secrets.get({ service: 'my-app', name: 'api-key' }); // string | null
//   await secrets.delete({ service: 'my-app', name: 'api-key' });           // true | false
//   await credentials.set('auth_token', token, { service: 'my-app' });
//   const t = await credentials.get('auth_token');                          // string | null
//
// Every call runs on libuv's thread pool (a vault's unlock, a D-Bus round
// trip), never on the event loop; a bad argument throws a TypeError at once,
// as Bun does, before anything runs. `secrets` uses tresor's config as the CLI
// finds it ($TRESOR_CONFIG, ~/.config/tresor/config.toml, /etc/tresor,
// docs/CONFIG.md); `new Secrets({ config })` names a file. A service that is
// omitted, null or '' is the config's `default_service`. libtresor is loaded
// from $TRESOR_LIBRARY, else the installed libtresor.so.0; when it cannot be,
// calls reject with code ERR_TRESOR_LIBRARY_NOT_FOUND.
const native = require('./tresor.node');

function invalid(message, code = 'ERR_INVALID_ARG_TYPE') {
  const error = new TypeError(message);
  error.code = code;
  return error;
}

// A name (or a service given as one): a non-empty string without NUL, which
// the C API would read as its end.
function keyPart(value, what) {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(`${what} must be a non-empty string`);
  }
  if (value.includes('\0')) {
    throw invalid(`${what} must not contain NUL characters`, 'ERR_INVALID_ARG_VALUE');
  }
  return value;
}

// '' stands for the config's default_service.
function servicePart(value) {
  return value === undefined || value === null || value === '' ? '' : keyPart(value, 'service');
}

// Bun's forms: (options) with options.service and options.name, or
// (service, name); `valueAt` is where a positional value sits, if any.
function parse(args, valueAt) {
  const [first] = args;
  if (first !== null && typeof first === 'object') {
    return {
      service: servicePart(first.service),
      name: keyPart(first.name, 'name'),
      value: args.length > 1 ? args[1] : first.value,
    };
  }
  return {
    service: servicePart(args[0]),
    name: keyPart(args[1], 'name'),
    value: args[valueAt],
  };
}

function checkValue(value) {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw invalid('value must be a string, a Buffer or a Uint8Array');
  }
  return value;
}

class Secrets {
  #config;
  #store; // Promise of the native store handle, opened on first use

  constructor({ config } = {}) {
    if (config !== undefined && typeof config !== 'string') {
      throw invalid('config must be a path');
    }
    if (config !== undefined && config.includes('\0')) {
      throw invalid('config must not contain NUL characters', 'ERR_INVALID_ARG_VALUE');
    }
    this.#config = config;
  }

  #handle() {
    if (this.#store === undefined) {
      this.#store = native.open(this.#config ?? null).catch((error) => {
        this.#store = undefined; // a later call tries again (e.g. after install)
        throw error;
      });
    }
    return this.#store;
  }

  /** The secret as a string, or null when there is none. */
  get(...args) {
    const { service, name } = parse(args);
    return this.#handle().then((store) => native.get(store, service, name, false));
  }

  /** The secret's bytes as a Buffer, or null when there is none. */
  getBuffer(...args) {
    const { service, name } = parse(args);
    return this.#handle().then((store) => native.get(store, service, name, true));
  }

  /** Stores or replaces: a string (as UTF-8), Buffer or Uint8Array. An empty
   * value is stored as one (Bun deletes the secret instead). */
  set(...args) {
    const { service, name, value } = parse(args, 2);
    checkValue(value);
    return this.#handle()
      .then((store) => native.set(store, service, name, value))
      .then(() => undefined);
  }

  /** true when a secret was deleted, false when there was none. */
  delete(...args) {
    const { service, name } = parse(args);
    return this.#handle().then((store) => native.remove(store, service, name));
  }

  /** Metadata of the entries of one service ({ service } or a string), or of
   * all: { service, name, id, type, label, description, createdAt,
   * updatedAt, lastUsedAt, expiresAt } with Dates or null; never values. */
  list(options) {
    const service = typeof options === 'object' && options !== null ? options.service : options;
    if (service !== undefined) {
      keyPart(service, 'service');
    }
    return this.#handle().then((store) => native.list(store, service ?? null));
  }
}

// Seed 000's shape: (key, value, { service }) with the service last and
// optional (the config's default_service when omitted).
function serviceOption(options) {
  if (options === undefined || options === null) {
    return '';
  }
  if (typeof options !== 'object') {
    throw invalid('options must be an object such as { service }');
  }
  return servicePart(options.service);
}

class Credentials {
  #secrets;

  constructor({ config, secrets } = {}) {
    this.#secrets = secrets ?? new Secrets({ config });
  }

  /** Stores or replaces the value of `key`. */
  set(key, value, options) {
    return this.#secrets.set(serviceOption(options), keyPart(key, 'key'), checkValue(value));
  }

  /** The value of `key`, or null when there is none. */
  get(key, options) {
    return this.#secrets.get(serviceOption(options), keyPart(key, 'key'));
  }

  /** Deletes `key`; nothing happens when there is none. */
  delete(key, options) {
    return this.#secrets.delete(serviceOption(options), keyPart(key, 'key')).then(() => undefined);
  }
}

const secrets = new Secrets();
module.exports = { secrets, Secrets, credentials: new Credentials({ secrets }), Credentials };
