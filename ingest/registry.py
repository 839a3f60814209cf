"""The list of connectors; the pipeline ingests them in this order."""

from __future__ import annotations

from ingest.base import Source
from ingest.bls_ep import BlsProjections
from ingest.hn import HnWhoIsHiring
from ingest.indeed import IndeedSectors
from ingest.ipeds import IpedsCompletions
from ingest.ncses import NcsesGraduates
from ingest.oews import OewsNational
from ingest.zh_postings import ZhPostings


def all_sources(github_token: str | None = None) -> dict[str, Source]:
    """Return every connector by name (postings first, then labour statistics, then education)."""
    sources: list[Source] = [
        ZhPostings(token=github_token), IndeedSectors(), HnWhoIsHiring(),
        OewsNational(), BlsProjections(), IpedsCompletions(), NcsesGraduates(),
    ]
    return {s.name: s for s in sources}
