/**
 * The site server's own process. The parent (`startSiteServer`) forks this file, so
 * serving pages never runs on the event loop of the program being measured.
 * It talks to the parent over the IPC channel and exits when that channel closes,
 * so it cannot outlive its parent.
 */
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { faultRoutes } from './faults.js';
import { createSite, pageResponse, type Responder, Stats } from './http.js';
import { Latency } from './latency.js';
import type { Command, Reply, ServerMessage } from './messages.js';
import { siteA, siteB } from './pages.js';

const send = (message: ServerMessage | Reply) => process.send?.(message);

async function main(): Promise<void> {
  const latency = new Latency(JSON.parse(process.argv[2] ?? '{}'));
  const stats = new Stats();
  const faults = faultRoutes(stats);
  const sites: Server[] = [siteA, siteB].map((page) => {
    const routes = new Map<string, Responder>([['/', pageResponse(page)], ...faults]);
    return createSite(routes, latency, stats).listen(0, '127.0.0.1');
  });
  await Promise.all(sites.map((site) => once(site, 'listening')));

  process.on('message', (command: Command) => {
    switch (command.type) {
      case 'configure':
        latency.configure(command.latency);
        send({ type: 'reply', id: command.id, value: null });
        break;
      case 'stats':
        send({ type: 'reply', id: command.id, value: stats.snapshot() });
        break;
      case 'reset-stats':
        stats.reset();
        send({ type: 'reply', id: command.id, value: null });
        break;
    }
  });
  // Exiting closes every socket with it, so a hung, dripping or huge response never keeps
  // `close()` waiting: there is nothing to drain or say goodbye to.
  process.on('disconnect', () => process.exit(0));

  const ports = sites.map((site) => (site.address() as AddressInfo).port);
  send({ type: 'listening', ports });
}

main().catch((error: unknown) => {
  console.error(`site server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
