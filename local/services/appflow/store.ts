import type { ConnectorConfiguration } from './connector.js';

/**
 * AppFlow's state in the emulation: the connector registrations per account and Region, and the
 * clientTokens it remembers for 8 hours.
 */

/** One registered connector. */
export interface Registration {
  accountId: string;
  region: string;
  label: string;
  connectorArn: string;
  lambdaArn: string;
  description?: string;
  /** Epoch milliseconds. */
  registeredAt: number;
  registeredBy: string;
  configuration: ConnectorConfiguration;
}

/** AppFlow keeps a clientToken this long (the API reference: "The token is active for 8 hours"). */
export const CLIENT_TOKEN_TTL_MS = 8 * 60 * 60 * 1000;

/** What `registrar serve --data` writes on stop and reads on start. */
export interface StoreSnapshot {
  registrations: Registration[];
  tokens: [string, TokenRecord][];
}

interface TokenRecord {
  /** The request's parameters, to tell a retry from a reuse of the token. */
  parameters: string;
  answer: Record<string, unknown>;
  expiresAt: number;
}

export class ConnectorStore {
  private readonly registrations = new Map<string, Registration>();
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(private readonly now: () => number) {}

  get(accountId: string, region: string, label: string): Registration | undefined {
    return this.registrations.get(key(accountId, region, label));
  }

  put(registration: Registration): void {
    this.registrations.set(
      key(registration.accountId, registration.region, registration.label),
      registration,
    );
  }

  delete(accountId: string, region: string, label: string): boolean {
    return this.registrations.delete(key(accountId, region, label));
  }

  /** The registrations of an account and Region, by label. */
  list(accountId: string, region: string): Registration[] {
    return [...this.registrations.values()]
      .filter((registration) => registration.accountId === accountId && registration.region === region)
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }

  all(): Registration[] {
    return [...this.registrations.values()];
  }

  /** What a token answered before, if it is still active. */
  token(scope: string, token: string): TokenRecord | undefined {
    const record = this.tokens.get(`${scope}|${token}`);
    if (record && record.expiresAt <= this.now()) {
      this.tokens.delete(`${scope}|${token}`);
      return undefined;
    }
    return record;
  }

  rememberToken(scope: string, token: string, parameters: string, answer: Record<string, unknown>): void {
    this.tokens.set(`${scope}|${token}`, { parameters, answer, expiresAt: this.now() + CLIENT_TOKEN_TTL_MS });
  }

  /** Everything AppFlow remembers, as plain JSON. */
  snapshot(): StoreSnapshot {
    return { registrations: this.all(), tokens: [...this.tokens] };
  }

  /** Replaces the state with a snapshot; expired tokens are dropped. */
  restore(snapshot: StoreSnapshot): void {
    this.registrations.clear();
    this.tokens.clear();
    for (const registration of snapshot.registrations) this.put(registration);
    for (const [name, record] of snapshot.tokens)
      if (record.expiresAt > this.now()) this.tokens.set(name, record);
  }
}

function key(accountId: string, region: string, label: string): string {
  return `${accountId}/${region}/${label}`;
}
