"""
The article's CPU-bound multiprocessing version: the numbers mapped over a
multiprocessing.Pool of one process per CPU, each a whole interpreter with its own GIL,
so they really compute at once.

Changed from the article only where the harness needs it: the numbers come from
`jobs()`, the values go back as records, and the pool is started once, before the runs.
"""

import multiprocessing
import os

from speedup import jobs, settings


def cpu_bound(number):
    return sum(i * i for i in range(number))


def fib(n):
    return n if n < 2 else fib(n - 2) + fib(n - 1)


def main():
    processes = settings.workers or os.cpu_count()
    with multiprocessing.Pool(processes) as pool:
        for job in jobs({"sum-of-squares": cpu_bound, "fib": fib}, concurrency=processes):
            job.finish(pool.map(job.task, job.items))


if __name__ == "__main__":
    main()
