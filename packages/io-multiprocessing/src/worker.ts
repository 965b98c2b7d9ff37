import { createSession, downloadPage, poolTask } from '@speedup/shared-core';
import workerpool from 'workerpool';

// One child process. This runs once, when the process starts: the article's
// `initializer=set_global_session`. The process tells the pool it is ready only once its
// session exists, and every page it downloads reuses that session. Other processes
// build their own: processes share no memory.
void createSession().then((session) => {
  workerpool.worker(
    { download: poolTask((url: string) => downloadPage(session, url)) },
    { onTerminate: () => session.close() },
  );
});
