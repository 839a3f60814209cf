"""Test setup: environment before anything imports prefect or numpy; shared real fixtures."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# TOOLCHAIN.md: set these before prefect/numpy are imported. A PREFECT_HOME made here is removed at exit
# (registered before prefect is imported, so it runs after prefect's own exit handlers).
if "PREFECT_HOME" not in os.environ:
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="talentcast-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def prefect_harness():
    """A real, temporary Prefect API for the whole session (started once: ~20-30 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def published(tmp_path: Path) -> Path:
    """A small published database (two runs, hand-written rows) built from fixtures/published_small.sql."""
    import duckdb

    path = tmp_path / "published.duckdb"
    con = duckdb.connect(str(path))
    con.execute((FIXTURES / "published_small.sql").read_text(encoding="utf-8"))
    con.close()
    return path


@pytest.fixture
def seeded_warehouse(tmp_path: Path):
    """Return a factory: a real DuckDB warehouse whose ref schema holds hand-written seeds plus copies of real ones."""
    import shutil

    from core.db import connect
    from features.build import load_seeds

    opened = []

    def make(written: dict[str, str], copied: tuple[str, ...] = ()):
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        for name, text in written.items():
            (seeds / name).write_text(text, encoding="utf-8")
        for name in copied:
            shutil.copy(REPO / "seeds" / name, seeds / name)
        con = connect(tmp_path / "wh.duckdb")
        load_seeds(con, seeds)
        opened.append(con)
        return con

    yield make
    for con in opened:
        con.close()


@pytest.fixture
def postings_fixtures() -> Path:
    """Folder of small files cut from the real postings sources."""
    return FIXTURES / "postings"
