// A stand-in for worker.ts whose first share kills its thread, as a thread that runs out of
// memory would die; the other shares come back at once, with their events.
const workerpool = require('workerpool');

workerpool.worker({
  downloadShare(first, urls) {
    if (first === 0) process.exit(1);
    const now = Date.now();
    workerpool.workerEmit(
      urls.map((_, offset) => ({
        index: first + offset,
        worker: 'survivor',
        start: now,
        end: now,
      })),
    );
    return urls.map((url) => ({ url, status: 200, bytes: 0, sha256: '' }));
  },
});
