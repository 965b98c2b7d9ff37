"""
The article's asyncio download: one aiohttp.ClientSession shared by a task per page,
all of them gathered at once, on one thread.

Changed from the article only where the harness needs it: the sites come from
`jobs()`, `download_site` returns the page's record instead of printing its size, and
the session is opened once, before the runs. Its connector is aiohttp's default (100
connections at once) unless `--concurrency` says otherwise.
"""

import asyncio

import aiohttp

from speedup import download_page, jobs, settings


async def download_site(url, session):
    return await download_page(session, url)


async def main():
    connections = settings.concurrency or 100
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        async for job in jobs({"download": download_site}, concurrency=connections):
            tasks = [job.task(url, session) for url in job.items]
            job.finish(await asyncio.gather(*tasks))


if __name__ == "__main__":
    asyncio.run(main())
