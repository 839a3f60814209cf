"""The SQL models in build order, each with its grain, and the runner that builds and checks them.

A model is one SELECT in features/sql/<layer>/<table>.sql that builds <schema>.<table>
(STYLE.md conventions 1-3). Run parameters reach SQL through getvariable(), set by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.db import build_table, build_view
from features.html_text import install_html_text
from features.redact import install_macros
from features.repost_signature import install_repost_functions
from features.term_prefilter import install_term_prefilter

SQL_DIR = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class Model:
    """One SQL model: the file features/sql/<folder>/<table>.sql builds <schema>.<table>."""

    schema: str
    table: str
    grain: tuple[str, ...]
    folder: str = ""
    requires: tuple[str, ...] = ()  # raw tables a first load must have created
    optional: tuple[str, ...] = ()  # raw tables only some runs load (OPTIONAL_RAW): created empty when absent
    view: bool = False  # a view, not a table: a union that would otherwise copy every posting text

    @property
    def path(self) -> Path:
        return SQL_DIR / (self.folder or self.schema) / f"{self.table}.sql"

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


# Raw tables only some runs have: live-only entities (HN's posting comments: the bundled HN snapshot is monthly
# term counts) and the file feeds' postings (only when TALENTCAST_FEED_DIRS names a feed). Before building a model
# that reads one, the runner creates it empty with these columns when no batch has (offline runs, `talentcast tag`)
# and adds a column an older batch's table lacks, so the staging model yields zero rows of the right types.
# ingest/hn.py's POSTING_DTYPES (tests/test_hn_postings.py) and ingest/file_feed.py's RAW_COLUMNS
# (tests/test_file_feed_postings.py) are the same columns.
OPTIONAL_RAW = {
    "raw.hn__postings": {"thread_id": "BIGINT", "thread_title": "VARCHAR", "comment_id": "BIGINT", "author": "VARCHAR",
                         "created_at": "TIMESTAMP", "text": "VARCHAR", "fetched_at": "VARCHAR",
                         "_batch_id": "VARCHAR", "_fetched_at": "TIMESTAMP"},
    "raw.file_feed__postings": {"feed": "VARCHAR", "posting_id": "VARCHAR", "title": "VARCHAR", "text": "VARCHAR",
                                "posted_date": "DATE", "employer": "VARCHAR", "region": "VARCHAR", "lang": "VARCHAR",
                                "_batch_id": "VARCHAR", "_fetched_at": "TIMESTAMP"},
}

STAGING = [
    Model("staging", "stg_zh_postings__threads", ("issue_number",), requires=("raw.zh_postings__threads",)),
    Model("staging", "stg_zh_postings__comments", ("comment_id",), requires=("raw.zh_postings__comments",)),
    Model("staging", "stg_hn__postings", ("comment_id",), optional=("raw.hn__postings",)),
    Model("staging", "stg_file_feed__postings", ("comment_id",), optional=("raw.file_feed__postings",)),
    # every int_postings__* model reads the union; the check check_postings_ids_one_source keeps comment_id a key
    Model("staging", "stg_postings__comments", ("comment_id",), view=True),
    Model("staging", "stg_indeed__sector_postings", ("jobcountry", "sector", "date"),
          requires=("raw.indeed__sector_postings",)),
    Model("staging", "stg_hn__monthly_terms", ("month", "term"), requires=("raw.hn__monthly_terms",)),
    Model("staging", "stg_oews__national", ("year", "occ_code"), requires=("raw.oews__national",)),
    Model("staging", "stg_ipeds__completions", ("survey_year", "cipcode", "awlevel"),
          requires=("raw.ipeds__completions",)),
    Model("staging", "stg_ncses__graduates", ("table_id", "country", "sex", "field_path", "year"),
          requires=("raw.ncses__graduates",)),
    Model("staging", "stg_bls_ep__projections", ("base_year", "soc_code"), requires=("raw.bls_ep__projections",)),
    Model("staging", "stg_usajobs__postings", ("control_number",), requires=("raw.usajobs__postings",)),
    Model("staging", "stg_nces_digest__graduates", ("table_id", "field", "year"),
          requires=("raw.nces_digest__graduates",)),
    Model("staging", "stg_graduates_file__graduates", ("program_code", "system", "region", "year"),
          requires=("raw.graduates_file__graduates",)),
]
FEATURES = [
    Model("features", "int_skill_terms__patterns", ("skill", "term")),
    Model("features", "int_postings__positions", ("comment_id", "position_no")),
    Model("features", "int_postings__skill_matches", ("comment_id", "position_no", "skill", "term")),
    Model("features", "int_postings__tagged", ("comment_id",)),
    Model("features", "int_postings__attributes", ("comment_id",)),
    Model("features", "int_postings__reposts", ("comment_id",)),
    Model("features", "int_postings__counted", ("comment_id", "ds")),
    Model("features", "int_postings__occupations", ("comment_id", "position_no")),
    Model("features", "int_postings__occupation_coverage", ("system",)),
    Model("features", "int_usajobs__skill_matches", ("control_number", "skill", "term")),
    Model("features", "int_usajobs__occupations", ("control_number",)),
    Model("features", "int_usajobs__tagged", ("control_number",)),
    Model("features", "int_skill_clusters__shares", ("source", "cluster")),
    Model("features", "feat_demand_zh__monthly", ("unique_id", "ds")),
    Model("features", "feat_demand_indeed__monthly", ("unique_id", "ds")),
    Model("features", "feat_demand_hn__monthly", ("unique_id", "ds")),
    Model("features", "feat_demand_hn_postings__monthly", ("unique_id", "ds")),
    Model("features", "feat_demand_file_feed__monthly", ("unique_id", "ds")),
    Model("features", "feat_demand_usajobs__monthly", ("unique_id", "ds")),
    Model("features", "feat_employment_oews__annual", ("unique_id", "ds")),
    Model("features", "feat_supply_ipeds__annual", ("unique_id", "ds")),
    Model("features", "feat_supply_ncses__annual", ("unique_id", "ds")),
    Model("features", "feat_supply_nces_digest__annual", ("unique_id", "ds")),
    Model("features", "feat_supply_graduates_file__annual", ("unique_id", "ds")),
    Model("features", "int_supply__digest_vs_ipeds", ("field", "year")),
    Model("features", "int_hierarchy__links", ("child",)),
    Model("features", "feat_totals__hierarchy", ("unique_id", "ds")),
    Model("features", "series", ("unique_id",)),
    Model("features", "feat_panel", ("unique_id", "ds")),
    Model("features", "feat_hierarchy", ("child",)),
]
MARTS = [
    Model("marts", "demand_forecast", ("unique_id", "ds")),
    Model("marts", "supply_forecast", ("unique_id", "ds")),
    Model("marts", "model_quality", ("unique_id", "model")),
    Model("marts", "model_quality_by_horizon", ("unique_id", "model", "step")),
    Model("marts", "model_quality_by_cutoff", ("unique_id", "model", "cutoff")),
    Model("marts", "reconciliation_quality", ("hierarchy", "level", "method")),
    Model("marts", "reconciled_forecast", ("unique_id", "ds")),
    Model("marts", "skill_trends", ("source", "level", "name", "ds")),  # before program_outlook, which reads it
    Model("marts", "skill_gap", ("assumption_set", "program_code", "region", "year", "skill_cluster")),
    Model("marts", "program_outlook", ("assumption_set", "program_code", "region")),
    Model("marts", "data_freshness", ("source",)),
    Model("marts", "tagger_quality", ("split", "lang", "tag")),
]
CHECKS_DIR = SQL_DIR / "checks"
# the staging models the int_postings__* models need (every source and their union), for builds of that chain alone
POSTINGS_STAGING = [m for m in STAGING if m.table in ("stg_zh_postings__threads", "stg_zh_postings__comments",
                                                      "stg_hn__postings", "stg_file_feed__postings",
                                                      "stg_postings__comments")]


def ensure_optional_raw(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Create the optional raw `table` empty with its OPTIONAL_RAW columns if absent; add any declared column it
    lacks (a table made by a batch landed before the column was kept)."""
    columns = OPTIONAL_RAW[table]
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")
    schema, name = table.split(".")
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_schema = ? AND table_name = ?", [schema, name]).fetchall()}
    for column, ctype in columns.items():
        if column not in have:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ctype}")


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Return 'schema.table' names present in the current database."""
    rows = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                       "WHERE database_name = current_database()").fetchall()
    return {f"{s}.{t}" for s, t in rows}


def grain_problems(con: duckdb.DuckDBPyConnection, model: Model) -> list[str]:
    """Return descriptions of duplicate or null grain keys in a built model (empty when clean)."""
    cols = ", ".join(model.grain)
    nulls = " OR ".join(f"{c} IS NULL" for c in model.grain)
    problems = []
    n_null = con.execute(f"SELECT count(*) FROM {model.name} WHERE {nulls}").fetchone()[0]
    if n_null:
        problems.append(f"{model.name}: {n_null} rows with a null in grain ({cols})")
    dup = con.execute(f"SELECT {cols}, count(*) n FROM {model.name} GROUP BY ALL HAVING n > 1 LIMIT 3").fetchall()
    if dup:
        problems.append(f"{model.name}: grain ({cols}) not unique, e.g. {dup}")
    return problems


class ModelBuildError(RuntimeError):
    """A model's SQL failed or its grain is not unique/non-null; the message names the model."""


def build_models(con: duckdb.DuckDBPyConnection, models: list[Model],
                 progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Build `models` in order and check each grain; return {'schema.table': rows} (skipped ones omitted)."""
    install_macros(con)
    install_term_prefilter(con)
    install_repost_functions(con)
    install_html_text(con)
    present = existing_tables(con)
    counts: dict[str, int] = {}
    for model in models:
        missing = [req for req in model.requires if req not in present]
        if missing:
            raise ModelBuildError(f"{model.name} needs {missing}, which no batch has loaded yet: "
                                  "the source failed on its first load (see raw.rejects and the run summary)")
        for table in model.optional:
            ensure_optional_raw(con, table)
        build = build_view if model.view else build_table
        try:
            counts[model.name] = build(con, model.schema, model.table, model.path.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise ModelBuildError(f"{model.path.relative_to(SQL_DIR)}: {exc}") from exc
        problems = grain_problems(con, model)
        if problems:
            raise ModelBuildError("; ".join(problems))
        present.add(model.name)
        if progress:
            progress(model.name)
    return counts


def run_checks(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Run every check (a SELECT returning offending rows); return {check: offending rows} for failures."""
    failures = {}
    for path in sorted(CHECKS_DIR.glob("*.sql")):
        n = con.execute(f"SELECT count(*) FROM ({path.read_text(encoding='utf-8').strip().rstrip(';')})").fetchone()[0]
        if n:
            failures[path.stem] = n
    return failures


LABEL_COLUMNS = {"id": "VARCHAR", "source": "VARCHAR", "lang": "VARCHAR", "is_posting": "BOOLEAN", "ai": "BOOLEAN",
                 "mfg": "BOOLEAN", "both": "BOOLEAN", "split": "VARCHAR", "batch": "VARCHAR"}


def load_labels(con: duckdb.DuckDBPyConnection, labels: Path) -> dict[str, int]:
    """Load the tagger's labelled set (data/eval/postings_labels.jsonl, rules in LABELLING.md) into
    ref.postings_labels, "both" named ai_mfg as in the tagged tables; an empty table when the file is absent (the
    mart marts.tagger_quality is then empty). Return {'ref.postings_labels': rows}."""
    if labels.exists():
        cols = ", ".join(f"'{k}': '{v}'" for k, v in LABEL_COLUMNS.items())
        sql = (f"SELECT * EXCLUDE (\"both\"), \"both\" AS ai_mfg FROM read_json('{labels.as_posix()}', "
               f"format='newline_delimited', columns={{{cols}}})")
    else:
        sql = ("SELECT " + ", ".join(f"NULL::{v} AS {'ai_mfg' if k == 'both' else k}" for k, v in LABEL_COLUMNS.items())
               + " WHERE false")
    return {"ref.postings_labels": build_table(con, "ref", "postings_labels", sql)}


def load_seeds(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> dict[str, int]:
    """Load every seeds/*.csv into ref.<file stem>; return {'ref.table': rows}."""
    counts = {}
    for path in sorted(seeds_dir.glob("*.csv")):
        counts[f"ref.{path.stem}"] = build_table(
            con, "ref", path.stem,
            f"SELECT * FROM read_csv('{path.as_posix()}', header=true, all_varchar=true)")
    return counts
