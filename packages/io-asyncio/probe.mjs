import { startSiteServer } from '@speedup/site-server';

const { downloadInput } = await import('@speedup/shared-core');
const { default: strategy } = await import(process.cwd() + '/dist/index.js');
const server = await startSiteServer({ latency: Number(process.env.LAT ?? 25) });
const runner = await strategy.setup({});
const input = downloadInput(server.sites);
const times = [];
const { monitorEventLoopDelay } = await import('node:perf_hooks');
if (process.env.ELD) monitorEventLoopDelay({ resolution: Number(process.env.ELD) }).enable();
for (let i = 0; i < Number(process.env.RUNS ?? 30); i++) {
  const t = performance.now();
  await runner.run(input, process.env.EVENTS ? { onTask: () => {} } : {});
  times.push(performance.now() - t);
}
await runner.close();
await server.close();
const warm = times.slice(3).sort((a, b) => a - b);
const med = warm[warm.length >> 1];
console.log(
  `median ${med.toFixed(1)} ms  min ${warm[0].toFixed(1)}  overhead/page ${(((med - Number(process.env.LAT ?? 25)) / 160) * 1000).toFixed(0)} us`,
);
