"""
The article's synchronous download: one requests.Session, one page after another.

Changed from the article only where the harness needs it: the sites come from
`jobs()`, and `download_site` returns the page's record instead of printing its size.
"""

import requests

from speedup import download_page, jobs


def download_site(url, session):
    return download_page(session, url)


def main():
    with requests.Session() as session:
        for job in jobs({"download": download_site}, concurrency=1):
            job.finish(job.task(url, session) for url in job.items)


if __name__ == "__main__":
    main()
