"""One place for live HTTP: timeouts, a polite pause between requests, clear errors (retries are Prefect's)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

USER_AGENT = "talentcast/0.1 (+https://github.com/talentcast; open-source labour-demand forecasting)"


class LiveFetchError(RuntimeError):
    """A live source could not be fetched; the message names the URL and the reason."""


def get(url: str, timeout_s: float, headers: dict[str, str] | None = None, params: dict | None = None,
        pause_s: float = 1.0) -> httpx.Response:
    """Return the response of one GET, raising LiveFetchError on network errors and non-2xx status."""
    time.sleep(pause_s)  # polite rate limit for public APIs
    try:
        response = httpx.get(
            url, params=params, timeout=timeout_s, follow_redirects=True,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
        )
    except httpx.HTTPError as exc:
        raise LiveFetchError(f"GET {url} failed: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 400:
        raise LiveFetchError(f"GET {url} answered HTTP {response.status_code}: {response.text[:200]!r}")
    return response


def download(url: str, dest: Path, timeout_s: float) -> Path:
    """Download `url` to the file `dest` (written whole, then renamed) and return it."""
    response = get(url, timeout_s)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    tmp.write_bytes(response.content)
    tmp.replace(dest)
    return dest
