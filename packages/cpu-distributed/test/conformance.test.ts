import { conformance } from '@speedup/shared-core/conformance';

conformance(new URL('..', import.meta.url));
