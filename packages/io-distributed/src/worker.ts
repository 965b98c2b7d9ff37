import { createSession, downloadPage } from '@speedup/shared-core';
import { serveQueue } from '@speedup/shared-core/queue';

// One worker process, on this machine or another. It builds its session once, when it
// starts, and every page it downloads reuses it; other workers build their own, as the
// article's multiprocessing initializer does.
void createSession().then((session) => {
  serveQueue((_job, url: string) => downloadPage(session, url), {
    onClose: () => session.close(),
  });
});
