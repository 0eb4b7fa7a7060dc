"""Reading a session's stored facts, shared by the session, shard and Dask tests.

Not a test module itself. `facts` is every measurement column but the timing, so two sessions
compare equal only if they measured the same things, changed blocks and fingerprints included.
"""
import sqlite3

FACT_COLUMNS = ("mutant_id, seed, checker, epsilon, status, difference, per_parameter, "
                "matches_reference, error, probe, exact_error, numeric_error, changed, "
                "fingerprint")


def facts(path):
    """The stored measurement facts of a session, without timings, sorted."""
    with sqlite3.connect(path) as connection:
        return sorted(connection.execute(f"SELECT {FACT_COLUMNS} FROM measurements"))


def count_rows(path):
    """Rows stored so far (0 while the file is not yet a session)."""
    try:
        with sqlite3.connect(path, timeout=1) as connection:
            return connection.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]
    except sqlite3.Error:
        return 0
