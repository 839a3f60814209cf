"""The list of connectors; the pipeline ingests them in this order."""

from __future__ import annotations

from pathlib import Path

from ingest.base import Source
from ingest.bls_ep import BlsProjections
from ingest.file_feed import FileFeed
from ingest.graduates_file import GraduatesFile
from ingest.hn import HnWhoIsHiring
from ingest.indeed import IndeedSectors
from ingest.ipeds import IpedsCompletions
from ingest.nces_digest import NcesDigest
from ingest.ncses import NcsesGraduates
from ingest.oews import OewsNational
from ingest.usajobs import UsaJobs
from ingest.zh_postings import ZhPostings


def all_sources(github_token: str | None = None, usajobs_key: str | None = None,
                usajobs_email: str | None = None, feed_dirs: list[Path] | None = None) -> dict[str, Source]:
    """Return every connector by name (postings first, then labour statistics, then education).

    feed_dirs: folders holding a feed.json (ingest/file_feed.py), each one more postings source.
    """
    sources: list[Source] = [
        ZhPostings(token=github_token), IndeedSectors(), HnWhoIsHiring(),
        UsaJobs(api_key=usajobs_key, user_agent_email=usajobs_email),
        *(FileFeed(Path(d)) for d in (feed_dirs or [])),
        OewsNational(), BlsProjections(), IpedsCompletions(), NcsesGraduates(), NcesDigest(),
        GraduatesFile(),
    ]
    by_name: dict[str, Source] = {}
    for source in sources:
        if source.name in by_name:
            raise ValueError(f"two connectors are named {source.name!r}: rename the file feed in its feed.json")
        by_name[source.name] = source
    return by_name
