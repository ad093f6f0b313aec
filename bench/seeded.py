"""The city seeded by bench_seed, for the benchmarks that read one (search, contacts, care): the database of
DATABASE_URL when it holds the rows a benchmark needs, else its sibling database `lf_bench_seed` (bench/run.py
runs seed before them)."""

from __future__ import annotations

from typing import Any

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


def own_database_beside_seed(url: str, bench: str) -> str:
    """The seeded city's database for a benchmark `bench` that writes into a database of its own (`url`): the
    sibling database `lf_bench_seed`. Stops with one line when `url` is the seeded city itself, when the
    seeded city has no residents, or when `url` holds a city of its own."""
    sibling = url.rsplit("/", 1)[0] + "/" + SEED_DATABASE
    if sibling == url:
        raise SystemExit(f"bench_{bench} writes into DATABASE_URL: give it a database of its own, not {url}")
    if not has_rows(sibling, RESIDENTS):
        raise SystemExit(
            f"bench_{bench} reads the seeded city from {SEED_DATABASE}, which has no residents: "
            "seed it first (make bench BENCH=seed)"
        )
    if has_rows(url, RESIDENTS):
        raise SystemExit(f"DATABASE_URL holds residents: bench_{bench} needs a database of its own")
    return sibling


def copy_tables(source: str, cursor: Any, tables: dict[str, str]) -> dict[str, int]:
    """COPY the given columns of each table (places_area in path order, others by id) from the seeded city
    `source` into this database through Django's `cursor`, ids kept; moves each id sequence past them and
    analyzes the table. Returns the rows copied per table. The caller empties the tables first."""
    import psycopg

    counts = {}
    with psycopg.connect(source.replace("postgres://", "postgresql://", 1)) as src:
        for table, columns in tables.items():
            order = "path" if table == "places_area" else "id"
            with (
                src.cursor().copy(f"COPY (SELECT {columns} FROM {table} ORDER BY {order}) TO STDOUT") as out,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as into,
            ):
                for block in out:
                    into.write(block)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
            cursor.execute(f"ANALYZE {table}")
    return counts
