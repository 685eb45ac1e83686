/** The `mooring webhook` listen address and its defaults, pure. */

export const DEFAULT_WEBHOOK_PORT = 9480;
export const DEFAULT_WEBHOOK_LISTEN = `127.0.0.1:${DEFAULT_WEBHOOK_PORT}`;

/** A parsed `--listen` value; `loopback` tells whether only this machine can connect. */
export interface ListenAddress {
  host: string;
  port: number;
  loopback: boolean;
}

/**
 * Reads `host:port`, `[v6]:port`, `:port` (loopback) or a bare port (loopback).
 *
 * @example parseListen('0.0.0.0:9480') // { host: '0.0.0.0', port: 9480, loopback: false }
 */
export function parseListen(text: string): ListenAddress {
  const value = text.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]\s]*):)?(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port > 65535)
    throw new Error(
      `--listen must be host:port, [ipv6]:port or a port (e.g. ${DEFAULT_WEBHOOK_LISTEN}): current value is ${JSON.stringify(text)}`,
    );
  const host = (match[1] || '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  return { host, port, loopback: /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host) };
}
