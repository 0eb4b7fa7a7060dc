"""Deterministic shards: split a run's mutants across machines or CI jobs without a cluster.

A mutant's shard depends on its stable id alone (sha256, never the per-process salted `hash()`),
so every machine computes the same partition, and shard sessions merge into one whole run. The
baseline and the sentinel belong to every shard: each shard needs them to report on its own.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, TypeVar

from harness.errors import UsageError
from harness.records import BASELINE_ID, SENTINEL_ID

EVERY_SHARD = (BASELINE_ID, SENTINEL_ID)

Record = TypeVar("Record")


def shard_of(mutant_id: str, n: int) -> int:
    """Return the 0-based shard (0..n-1) of a mutant id among `n`: the same on every machine."""
    return int(hashlib.sha256(mutant_id.encode("utf-8")).hexdigest(), 16) % n


def parse_shard(text: str) -> tuple[int, int]:
    """Parse 'k/n' (k counted from 1, as CI matrices count: 1/3, 2/3, 3/3) into (k, n)."""
    parts = text.strip().split("/")
    try:
        k, n = (int(part) for part in parts)
    except ValueError:
        raise UsageError(f"needs K/N such as 1/3, got {text!r}", where="--shard",
                         fix="pass --shard 1/3, --shard 2/3 and --shard 3/3 to three jobs") \
            from None
    return check_shard((k, n))


def check_shard(shard: tuple[int, int]) -> tuple[int, int]:
    """Return (k, n) if 1 <= k <= n, else raise a UsageError."""
    k, n = shard
    if n < 1 or not 1 <= k <= n:
        raise UsageError(f"shard {k}/{n} does not exist: K counts from 1 to N", where="--shard",
                         fix=f"pass K/N with 1 <= K <= N, e.g. 1/{max(n, 2)}")
    return k, n


def in_shard(mutant_id: str, shard: tuple[int, int]) -> bool:
    """Return True if shard (k, n) runs this mutant (the baseline and sentinel: every shard)."""
    k, n = shard
    return mutant_id in EVERY_SHARD or shard_of(mutant_id, n) == k - 1


def select(records: Iterable[Record], shard: tuple[int, int] | None) -> list[Record]:
    """Return the records (anything with an `id`) that shard (k, n) runs; all of them for None."""
    if shard is None:
        return list(records)
    shard = check_shard(shard)
    return [record for record in records if in_shard(record.id, shard)]


def shard_label(shard: tuple[int, int] | None) -> str:
    """Return 'k/n' as stored in a session's meta ('' for a whole run)."""
    return "" if shard is None else f"{shard[0]}/{shard[1]}"
