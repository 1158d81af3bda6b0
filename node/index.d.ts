// Types of @tresor/secrets (the shape of Bun.secrets, plus getBuffer and
// list; and seed 000's credentials). An omitted, null or '' service is the
// config's default_service. Bad arguments throw a TypeError synchronously.
export interface SecretsOptions {
  service?: string | null;
  name: string;
}

export interface Entry {
  service: string;
  name: string;
  id: string;
  type: number; // tresor_secret_type: 0 password, 1 api key, ...
  label: string;
  description: string;
  createdAt: Date | null;
  updatedAt: Date | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export type SecretValue = string | Uint8Array;

export declare class Secrets {
  constructor(options?: { config?: string });
  get(options: SecretsOptions): Promise<string | null>;
  get(service: string | null | undefined, name: string): Promise<string | null>;
  getBuffer(options: SecretsOptions): Promise<Buffer | null>;
  getBuffer(service: string | null | undefined, name: string): Promise<Buffer | null>;
  set(options: SecretsOptions & { value: SecretValue }): Promise<void>;
  set(options: SecretsOptions, value: SecretValue): Promise<void>;
  set(service: string | null | undefined, name: string, value: SecretValue): Promise<void>;
  delete(options: SecretsOptions): Promise<boolean>;
  delete(service: string | null | undefined, name: string): Promise<boolean>;
  list(options?: { service?: string } | string): Promise<Entry[]>;
}

export declare const secrets: Secrets;

// Seed 000's shape: the key first, the service an option.
export interface CredentialOptions {
  service?: string;
}

export declare class Credentials {
  constructor(options?: { config?: string; secrets?: Secrets });
  set(key: string, value: SecretValue, options?: CredentialOptions): Promise<void>;
  get(key: string, options?: CredentialOptions): Promise<string | null>;
  delete(key: string, options?: CredentialOptions): Promise<void>;
}

export declare const credentials: Credentials;
