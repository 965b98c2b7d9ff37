"""
The article's CPU-bound threading version: the numbers mapped over a ThreadPoolExecutor
of 5 threads. The GIL lets one thread run Python code at a time, so it is no faster
than one thread, and the switching costs a little.

Changed from the article only where the harness needs it: the numbers come from
`jobs()`, the values go back as records, and the pool is started once, before the runs.
"""

from concurrent.futures import ThreadPoolExecutor

from speedup import jobs, settings


def cpu_bound(number):
    return sum(i * i for i in range(number))


def fib(n):
    return n if n < 2 else fib(n - 2) + fib(n - 1)


def main():
    workers = settings.workers or 5
    with ThreadPoolExecutor(max_workers=workers) as executor:
        for job in jobs({"sum-of-squares": cpu_bound, "fib": fib}, concurrency=workers):
            job.finish(executor.map(job.task, job.items))


if __name__ == "__main__":
    main()
