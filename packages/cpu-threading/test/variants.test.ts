import { conformance } from '@speedup/shared-core/conformance';

// Every pool it can run on meets the same contract as the default one.
for (const variant of ['piscina', 'tinypool', 'bare']) {
  conformance(new URL('..', import.meta.url), { setup: { variant } });
}
