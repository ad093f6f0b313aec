"""The city seeded by bench_seed, for the benchmarks that read one (search, contacts, care): the database of
DATABASE_URL when it holds the rows a benchmark needs, else its sibling database `lf_bench_seed` (bench/run.py
runs seed before them)."""

from __future__ import annotations

SEED_DATABASE = "lf_bench_seed"
RESIDENTS = "SELECT EXISTS (SELECT 1 FROM people_resident)"
PASSAGES = "SELECT EXISTS (SELECT 1 FROM access_passage)"


def has_rows(url: str, probe: str) -> bool:
    """Whether `probe` (an EXISTS query) is true in the database of `url`; False when it cannot be read."""
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as conn:
            row = conn.execute(probe).fetchone()
            return bool(row and row[0])
    except Exception:
        return False


def find_seeded_city(url: str, probe: str = RESIDENTS) -> tuple[str, str] | None:
    """(database url, how to name it in a note), or None when neither database has the rows."""
    if has_rows(url, probe):
        return url, "the given database"
    sibling = url.rsplit("/", 1)[0] + "/" + SEED_DATABASE
    if sibling != url and has_rows(sibling, probe):
        return sibling, f"the city seeded by bench_seed ({SEED_DATABASE})"
    return None
