"""
The 2024 article's CPU-bound asyncio version: a task per number, gathered, with fib
awaiting each of its recursive calls. Nothing in the work ever waits, so the tasks run
one after another on one thread, and every await adds its cost.

Changed from the article only where the harness needs it: the numbers come from
`jobs()`, and the values go back as records. The 2018 article wrote no asyncio version
of its sum; `cpu_bound` here is its function made a coroutine.
"""

import asyncio

from speedup import jobs


async def cpu_bound(number):
    return sum(i * i for i in range(number))


async def fib(n):
    return n if n < 2 else await fib(n - 2) + await fib(n - 1)


async def main():
    async for job in jobs({"sum-of-squares": cpu_bound, "fib": fib}, concurrency=1):
        tasks = [job.task(number) for number in job.items]
        job.finish(await asyncio.gather(*tasks))


if __name__ == "__main__":
    asyncio.run(main())
