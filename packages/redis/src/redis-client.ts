import { AudienceError } from '@audience/core';

/**
 * What the adapters use of a connected node-redis client (`createClient(...)` after `connect()`): raw commands, and
 * `duplicate()` for the lock's subscriber connection. TLS, auth, Sentinel and Cluster stay the client's business.
 */
export interface RedisClient {
  /** Whether the client is connected; commands are not sent otherwise. */
  readonly isReady: boolean;
  /** Sends a raw command (`['SET', key, value, 'NX', 'PX', '10000']`). */
  sendCommand(args: string[]): Promise<unknown>;
  /** A second connection with the same configuration, for pub/sub. */
  duplicate(): RedisSubscriber;
}

/** A second connection for pub/sub, as `duplicate()` returns it. */
export interface RedisSubscriber {
  /** Opens the connection. */
  connect(): Promise<unknown>;
  /** Calls `listener` with every message published on `channel`. */
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** Closes the connection. */
  close(): Promise<unknown>;
  /** Listens for connection errors (the client reconnects by itself). */
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Options every adapter takes. */
export interface RedisAdapterOptions {
  /** Prefix of every key and channel; default `audience:`. */
  readonly prefix?: string;
}

/**
 * Sends one command, failing fast with a typed error that names Redis when the client is not connected (node-redis
 * would otherwise queue the command until it reconnects) or the command fails.
 *
 * @throws {AudienceError} `ERR_NETWORK`.
 */
export async function send(redis: RedisClient, args: string[]): Promise<unknown> {
  if (!redis.isReady) throw new AudienceError('ERR_NETWORK', `Redis is not connected (${args[0]} not sent); nothing was changed`);
  try {
    return await redis.sendCommand(args);
  } catch (err) {
    throw new AudienceError('ERR_NETWORK', `Redis ${args[0]} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** A stored value: JSON with a version field; anything else reads as absent. */
export function decode(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const record: unknown = JSON.parse(raw);
    return typeof record === 'object' && record !== null && (record as { version?: unknown }).version === 1 ? (record as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
