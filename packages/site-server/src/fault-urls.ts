import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';

/** Where each fault lives on both sites. A status fault is `status` followed by the code. */
export const faultPaths = {
  status: '/fault/status/',
  reset: '/fault/reset',
  hang: '/fault/hang',
  drip: '/fault/drip',
  short: '/fault/short',
  redirectLoop: '/fault/redirect-loop',
  huge: '/fault/huge',
} as const;

export type FaultName = keyof typeof faultPaths;

/** What the drip and huge routes send when the URL does not say. */
export const faultDefaults = {
  dripBytes: 64,
  dripInterval: 1000,
  hugeBytes: 4 * 1024 ** 3,
} as const;

/** The codes a status fault answers with: every client and server error. */
export const faultStatuses = { lowest: 400, highest: 599 } as const;

export interface FaultOptions {
  /** Bytes the drip sends, one at a time. Default 64. */
  readonly dripBytes?: number;
  /** Milliseconds between two dripped bytes. Default 1000. */
  readonly dripInterval?: number;
  /** Size of the huge body, in bytes. Default 4 GiB. */
  readonly hugeBytes?: number;
}

/** One URL per fault on one site; see the package README for what a client sees at each. */
export interface FaultUrls {
  readonly status500: string;
  readonly status404: string;
  readonly reset: string;
  readonly hang: string;
  readonly drip: string;
  readonly short: string;
  readonly redirectLoop: string;
  readonly huge: string;
}

/** The fault URLs of one site, e.g. `faultUrls(server.sites[0], { dripInterval: 50 })`. */
export function faultUrls(siteUrl: string, options: FaultOptions = {}): FaultUrls {
  const at = (path: string, query: Record<string, number | undefined> = {}) => {
    const url = new URL(path, siteUrl);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.href;
  };
  return {
    status500: statusFaultUrl(siteUrl, 500),
    status404: statusFaultUrl(siteUrl, 404),
    reset: at(faultPaths.reset),
    hang: at(faultPaths.hang),
    drip: at(faultPaths.drip, { bytes: options.dripBytes, interval: options.dripInterval }),
    short: at(faultPaths.short),
    redirectLoop: at(faultPaths.redirectLoop),
    huge: at(faultPaths.huge, { bytes: options.hugeBytes }),
  };
}

/** The URL on one site that answers with `status`, any code from 400 to 599. */
export function statusFaultUrl(siteUrl: string, status: number): string {
  const { lowest, highest } = faultStatuses;
  if (!Number.isInteger(status) || status < lowest || status > highest) {
    throw new RangeError(`a status fault is a code from ${lowest} to ${highest}, not ${status}`);
  }
  return new URL(`${faultPaths.status}${status}`, siteUrl).href;
}

/**
 * A URL on 127.0.0.1 where nothing listens, so connecting is refused (ECONNREFUSED).
 *
 * Why a port freshly taken and given back: the system hands out a port nobody holds, and
 * once it is closed nothing listens there, whatever this machine runs; a fixed port could
 * be in use. The system may hand the same port out again later, so call this right
 * before each use instead of keeping one URL for a whole run.
 */
export async function refusedUrl(): Promise<string> {
  const listener = net.createServer().listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as AddressInfo;
  listener.close();
  await once(listener, 'close');
  return `http://127.0.0.1:${port}/`;
}
