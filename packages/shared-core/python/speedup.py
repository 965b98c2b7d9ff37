"""
What every one of the article's Python programs in this repository imports, so that
each program's file holds only the article's lesson: the Python side of
@speedup/shared-core. Nothing here is about concurrency.

A program is run by the harness as a command and talks to it in JSON lines (the
protocol is in CONTRIBUTING.md, "A strategy in another language"):

    stdin, one line per run:   {"job": "download", "items": ["http://127.0.0.1:…/", …]}
    stdout, once, when set up: {"type": "ready", "concurrency": 5}
    stdout, per task:          {"type": "task", "index": 3, "worker": …, "start": …, "end": …}
    stdout, once per run:      {"type": "results", "results": [{…}, …]}

It ends when stdin closes. A program here reads as:

    with ThreadPoolExecutor(max_workers=5) as executor:              # set up, timed apart
        for job in jobs({"download": download_site}, concurrency=5):  # one job per run
            job.finish(executor.map(job.task, job.items))            # the article's map

`job.task` is the program's own function for the job (`download_site`, `cpu_bound`,
`fib`) turned into a task: called on an item as the function would be, it returns the
record the harness compares with the reference's, and tells the harness when and where
it ran. It is made of module-level functions only, so a process pool can pickle it.
"""

import asyncio
import errno
import functools
import hashlib
import http.client
import inspect
import json
import os
import signal
import sys
import threading
import time
from typing import NamedTuple
from urllib.parse import urljoin


class Settings(NamedTuple):
    """What the harness was asked for (`--workers`, `--concurrency`); None when nothing was."""

    workers: "int | None"
    concurrency: "int | None"
    variant: "str | None"


def _settings():
    given = json.loads(os.environ.get("SPEEDUP_SETUP") or "{}")
    return Settings(given.get("workers"), given.get("concurrency"), given.get("variant"))


settings = _settings()


class Limits(NamedTuple):
    """How long a download may take and how big it may get, in seconds and bytes."""

    connect: float
    headers: float
    body: float
    page: float
    max_bytes: int


def _limits():
    # The harness always passes its limits (shared-core's limits.ts, with the command
    # line's overrides); the defaults are limits.ts's, for a program started by hand.
    given = {
        "connectTimeout": 10_000,
        "headersTimeout": 30_000,
        "bodyTimeout": 30_000,
        "pageTimeout": 60_000,
        "maxBytes": 10 * 1024 * 1024,
        **json.loads(os.environ.get("SPEEDUP_HTTP_LIMITS") or "{}"),
    }
    return Limits(
        given["connectTimeout"] / 1000,
        given["headersTimeout"] / 1000,
        given["bodyTimeout"] / 1000,
        given["pageTimeout"] / 1000,
        int(given["maxBytes"]),
    )


limits = _limits()

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024


# --- Talking to the harness ---------------------------------------------------------

_output = threading.Lock()
# A pool that forks a new worker while another thread holds the lock would hand the
# worker a lock nobody can release.
os.register_at_fork(after_in_child=lambda: globals().update(_output=threading.Lock()))


def _send(message):
    # One os.write per line: a line shorter than the pipe's buffer (every task event)
    # arrives whole even when pool processes write at the same time as this one.
    data = (json.dumps(message, separators=(",", ":")) + "\n").encode()
    with _output:
        while data:
            data = data[os.write(1, data) :]


def _clock():
    """Milliseconds since the epoch, as the Node strategies' task events count them."""
    return time.time() * 1000


def _worker():
    """`pid 42` on a process's main thread, `thread 4711` on any other: Node's labels."""
    if threading.current_thread() is threading.main_thread():
        return f"pid {os.getpid()}"
    return f"thread {threading.get_native_id()}"


class _Url(str):
    """An input URL that knows its position in the input, even in another process."""

    def __new__(cls, value, index):
        item = super().__new__(cls, value)
        item.index = index
        return item

    def __reduce__(self):
        return (_Url, (str(self), self.index))


class _Number(int):
    """An input number that knows its position in the input, even in another process."""

    def __new__(cls, value, index):
        item = super().__new__(cls, value)
        item.index = index
        return item

    def __reduce__(self):
        return (_Number, (int(self), self.index))


def _record(job, item, value):
    return value if job == "download" else {"input": str(item), "value": str(value)}


def _failed(job, item, error):
    if job == "download":
        return _failed_page(item, "failed", error)
    return {"input": str(item), "value": "", "error": "failed", "detail": _describe(error)}


def _report(item, start):
    end = _clock()
    _send({"type": "task", "index": item.index, "worker": _worker(), "start": start, "end": end})


def _run_task(job, function, item, *args):
    start = _clock()
    try:
        record = _record(job, item, function(item, *args))
    except Exception as error:
        record = _failed(job, item, error)
    _report(item, start)
    return record


async def _run_async_task(job, function, item, *args):
    start = _clock()
    try:
        value = function(item, *args)
        record = _record(job, item, await value if inspect.isawaitable(value) else value)
    except Exception as error:
        record = _failed(job, item, error)
    _report(item, start)
    return record


class Job:
    """One run the harness asked for: its items, the task to run on each, where results go."""

    def __init__(self, name, items, function, asynchronous):
        self.name = name
        wrap = _Url if name == "download" else _Number
        self.items = [wrap(item, index) for index, item in enumerate(items)]
        runner = _run_async_task if asynchronous else _run_task
        self.task = functools.partial(runner, name, function)

    def finish(self, results):
        """Sends one record per item, in input order, as the run's answer."""
        _send({"type": "results", "results": list(results)})


class _Jobs:
    def __init__(self, functions, concurrency):
        self._functions = functions
        self._concurrency = concurrency

    def _job(self, line, asynchronous):
        request = json.loads(line)
        name = request["job"]
        if name not in self._functions:
            known = ", ".join(self._functions)
            raise ValueError(f"this program has no {name!r} job (it has {known})")
        return Job(name, request["items"], self._functions[name], asynchronous)

    def _ready(self):
        _send({"type": "ready", "concurrency": self._concurrency})

    def __iter__(self):
        self._ready()
        for line in sys.stdin.buffer:
            yield self._job(line, asynchronous=False)

    async def __aiter__(self):
        loop = asyncio.get_running_loop()
        # An input of many thousand URLs is one long line.
        reader = asyncio.StreamReader(limit=1 << 30)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        self._ready()
        while line := await reader.readline():
            yield self._job(line, asynchronous=True)


def jobs(functions, *, concurrency):
    """
    The runs the harness asks for, one after another, until it closes stdin: iterate
    with `for`, or `async for` in a coroutine. `functions` maps the harness's job names
    to the program's functions: `{"download": download_site}` for I/O,
    `{"sum-of-squares": cpu_bound, "fib": fib}` for CPU (the contract's `crash` job is
    added). `concurrency` is how many tasks the program runs at once. The harness is
    told the program is ready when the iteration starts, so whatever the program set up
    before is timed as set-up, apart from the runs.
    """
    if "download" not in functions:
        functions = {**functions, "crash": crash}
    return _Jobs(functions, concurrency)


# --- Downloads ------------------------------------------------------------------------


class _PageFailure(Exception):
    def __init__(self, kind, phase=None):
        super().__init__(kind)
        self.kind = kind
        # With kind "timeout": which limit ran out (connect, headers, body or page).
        self.phase = phase


def _page(url, status, size, sha256):
    page = {"url": str(url), "status": status, "bytes": size, "sha256": sha256}
    if not 200 <= status < 300:
        page["error"] = "http_status"
    return page


def _describe(error):
    return f"{type(error).__name__}: {error}"


def _failed_page(url, kind, error=None, phase=None):
    page = {"url": str(url), "status": 0, "bytes": 0, "sha256": "", "error": kind}
    if kind == "timeout":
        page["timeout"] = phase
    if kind == "failed" and error is not None:
        page["detail"] = _describe(error)
    return page


def _causes(error):
    """The error and every error behind it: requests and aiohttp wrap what the socket raised."""
    seen, pending = set(), [error]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__, *current.args]
        pending += [getattr(current, name, None) for name in ("reason", "os_error")]


def _kind_of(error, timeouts, resets, shorts=()):
    """The PageError kind shared-core's downloadPage would give the same failure."""
    causes = list(_causes(error))
    for cause in causes:
        if isinstance(cause, _PageFailure):
            return cause.kind
    errnos = {getattr(cause, "errno", None) for cause in causes}
    # Refusals first: urllib3 1.x makes a refused connection a kind of connect timeout.
    if errno.ECONNREFUSED in errnos or any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "refused"
    if any(isinstance(cause, timeouts) for cause in causes):
        return "timeout"
    # A body that ended cleanly before its Content-Length, told apart from a reset.
    if any(isinstance(cause, shorts) for cause in causes):
        return "short_body"
    if errnos & {errno.ECONNRESET, errno.EPIPE} or any(isinstance(c, resets) for c in causes):
        return "reset"
    return "failed"


def _announced_more(headers, size):
    """A body that ended before its Content-Length: the connection closed early."""
    length = headers.get("content-length")
    return length is not None and "content-encoding" not in headers and size < int(length)


def _download_with_requests(session, url):
    import requests
    import urllib3

    # The page's deadline, from the first connect to the last byte, redirects included.
    # requests cannot be interrupted mid-wait, so every wait on the socket is cut to the
    # time left, and a wait cut short by the deadline is the page's timeout.
    deadline = time.monotonic() + limits.page
    left = lambda limit: max(0.001, min(limit, deadline - time.monotonic()))  # noqa: E731
    phase = "connect"
    target = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            # requests has one read timeout, for every wait on the socket: the head's
            # limit until the head is in, then the body's.
            phase = "headers"
            timeout = (left(limits.connect), left(limits.headers))
            request = session.get(target, stream=True, allow_redirects=False, timeout=timeout)
            with request as response:
                location = response.headers.get("location")
                if 300 <= response.status_code < 400 and location:
                    target = urljoin(target, location)
                    continue
                phase = "body"
                sock = getattr(response.raw.connection, "sock", None)
                size, digest = 0, hashlib.sha256()
                chunks = response.iter_content(CHUNK_BYTES)
                while True:
                    if sock is not None:
                        sock.settimeout(left(limits.body))
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    if time.monotonic() >= deadline:
                        raise _PageFailure("timeout", "page")
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise _PageFailure("too_large")
                    digest.update(chunk)
                if _announced_more(response.headers, size):
                    raise _PageFailure("short_body")
                return _page(url, response.status_code, size, digest.hexdigest())
        raise _PageFailure("too_many_redirects")
    except Exception as error:
        kind = _kind_of(
            error,
            timeouts=(requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError),
            resets=(
                requests.exceptions.ChunkedEncodingError,
                urllib3.exceptions.ProtocolError,
                ConnectionResetError,
                BrokenPipeError,
            ),
            shorts=(http.client.IncompleteRead, urllib3.exceptions.IncompleteRead),
        )
        if kind == "timeout":
            failure = next((c for c in _causes(error) if isinstance(c, _PageFailure)), None)
            if failure is not None:
                phase = failure.phase
            elif time.monotonic() >= deadline - 0.001:
                phase = "page"
            elif any(isinstance(c, requests.exceptions.ConnectTimeout) for c in _causes(error)):
                phase = "connect"
        return _failed_page(url, kind, error, phase)


async def _download_with_aiohttp(session, url):
    import aiohttp

    loop = asyncio.get_running_loop()
    phase = "headers"
    announced = False
    target = url
    # The page's deadline, from the first connect to the last byte, redirects included.
    page = asyncio.timeout(limits.page)
    try:
        async with page:
            for _ in range(MAX_REDIRECTS + 1):
                # The head must arrive within its limit; then the deadline moves on with
                # every chunk of the body, so only a gap between chunks can time it out.
                phase = "headers"
                async with asyncio.timeout(limits.headers) as deadline:
                    timeout = aiohttp.ClientTimeout(total=None, sock_connect=limits.connect)
                    async with session.get(target, allow_redirects=False, timeout=timeout) as response:
                        location = response.headers.get("Location")
                        if 300 <= response.status < 400 and location:
                            target = urljoin(target, location)
                            continue
                        phase = "body"
                        headers = response.headers
                        announced = "content-length" in headers and "content-encoding" not in headers
                        size, digest = 0, hashlib.sha256()
                        deadline.reschedule(loop.time() + limits.body)
                        async for chunk in response.content.iter_any():
                            deadline.reschedule(loop.time() + limits.body)
                            size += len(chunk)
                            if size > limits.max_bytes:
                                raise _PageFailure("too_large")
                            digest.update(chunk)
                        if _announced_more(response.headers, size):
                            raise _PageFailure("short_body")
                        return _page(url, response.status, size, digest.hexdigest())
            raise _PageFailure("too_many_redirects")
    except Exception as error:
        causes = list(_causes(error))
        # aiohttp calls a body cut short a payload error, whatever cut it: with a length
        # announced and no reset seen, the connection closed before the body was complete.
        reset = any(getattr(c, "errno", None) == errno.ECONNRESET for c in causes)
        short = announced and not reset and any(
            isinstance(c, aiohttp.ClientPayloadError) for c in causes
        )
        kind = "short_body" if short else _kind_of(
            error,
            timeouts=(TimeoutError, asyncio.TimeoutError, aiohttp.ServerTimeoutError),
            resets=(
                aiohttp.ClientPayloadError,
                aiohttp.ServerDisconnectedError,
                ConnectionResetError,
                BrokenPipeError,
            ),
        )
        if kind == "timeout":
            if page.expired():
                phase = "page"
            elif any(
                isinstance(c, aiohttp.ServerTimeoutError) and "onnect" in str(c) for c in causes
            ):
                phase = "connect"
        return _failed_page(url, kind, error, phase)


def download_page(session, url):
    """
    Downloads `url` on the program's own session, within the harness's limits, and
    describes it as the Node strategies' `downloadPage` does: {url, status, bytes,
    sha256 of the body}, or the same with `error` (http_status, timeout, reset, refused,
    too_large, too_many_redirects, failed). A failed page is a record, never an
    exception. On a requests.Session it returns the record; on an aiohttp.ClientSession,
    a coroutine to await.
    """
    if type(session).__module__.startswith("aiohttp"):
        return _download_with_aiohttp(session, url)
    return _download_with_requests(session, url)


# --- The contract's crash job ---------------------------------------------------------


def crash(mode):
    """shared-core's crash job, for fault tests: each mode says how the task fails (crash.ts)."""
    if mode == 0:
        return 0
    if mode == 1:
        raise RuntimeError("the task threw")
    if mode == 2:
        # An exception outside the task: in Python it ends only the thread it is raised in.
        threading.Thread(target=lambda: 1 / 0).start()
        return 0
    if mode == 3:
        os._exit(3)
    if mode == 4:
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == 5:
        # Python has no heap limit of its own: cap this process, so the task fails here
        # and not the machine.
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (used + (512 << 20), hard))
        try:
            hoard = []
            while True:
                hoard.append(bytearray(1 << 20))
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    raise ValueError(f"crash mode {mode} does not exist")


# --- Ending with the harness ----------------------------------------------------------


def _end_with_the_harness():
    """
    The harness starts a program as the leader of a process group of its own, so it can
    end the program and every process it started (a pool's workers) with one kill. If
    the process that started it dies first (killed, or Ctrl-C in a terminal), nobody
    would: Linux then sends this process SIGHUP, and it ends its group itself.
    """
    if os.getpid() != os.getpgid(0) or not sys.platform.startswith("linux"):
        return
    leader = os.getpid()

    def end_group(_signal, _frame):
        # Pool workers inherit this handler; only the leader may end the group.
        if os.getpid() == leader:
            os.killpg(leader, signal.SIGKILL)
        os._exit(1)

    signal.signal(signal.SIGHUP, end_group)
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGHUP)
    if os.getppid() == 1:
        end_group(None, None)


_end_with_the_harness()
