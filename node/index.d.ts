// Types of @tresor/secrets (the shape of Bun.secrets, plus getBuffer and list).
export interface SecretsOptions {
  service: string;
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
  get(service: string, name: string): Promise<string | null>;
  getBuffer(options: SecretsOptions): Promise<Buffer | null>;
  getBuffer(service: string, name: string): Promise<Buffer | null>;
  set(options: SecretsOptions & { value: SecretValue }): Promise<void>;
  set(options: SecretsOptions, value: SecretValue): Promise<void>;
  set(service: string, name: string, value: SecretValue): Promise<void>;
  delete(options: SecretsOptions): Promise<boolean>;
  delete(service: string, name: string): Promise<boolean>;
  list(options?: { service?: string } | string): Promise<Entry[]>;
  /** A request made by tresor with the credential; never its value. */
  fetch(
    credential: SecretsOptions,
    url: string | URL,
    init?: {
      method?: string;
      headers?: Record<string, string> | Iterable<[string, string]>;
      body?: string | Uint8Array;
      timeout?: number;
      maxResponseBytes?: number;
    },
  ): Promise<(Response & { readonly redacted: boolean }) | null>;
}

export declare const secrets: Secrets;
