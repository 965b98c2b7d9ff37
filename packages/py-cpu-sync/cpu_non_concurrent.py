"""
The article's CPU-bound synchronous version: every number computed one after another.
`cpu_bound` is the 2018 article's job (sum-of-squares), `fib` the 2024 revision's.

Changed from the article only where the harness needs it: the numbers come from
`jobs()`, and the values go back as records instead of being dropped.
"""

from speedup import jobs


def cpu_bound(number):
    return sum(i * i for i in range(number))


def fib(n):
    return n if n < 2 else fib(n - 2) + fib(n - 1)


def main():
    for job in jobs({"sum-of-squares": cpu_bound, "fib": fib}, concurrency=1):
        job.finish(job.task(number) for number in job.items)


if __name__ == "__main__":
    main()
