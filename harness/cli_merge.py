"""`gradmut merge`: combine shard sessions into one, and the scale-out options run and sweep share.

Shards let several machines or CI jobs split a run without a cluster; merging their sessions
gives the session one whole run would have written, which `gradmut report` then reads.
"""
from __future__ import annotations

import sys


def add_scale_out_options(parser) -> None:
    """Add --shard, --executor and --scheduler to a run-like command."""
    from harness.shards import parse_shard

    parser.add_argument("--shard", type=parse_shard, metavar="K/N",
                        help="run only part K of N (K from 1): a deterministic split by mutant "
                             "id, for separate machines or CI jobs; join with 'gradmut merge'")
    parser.add_argument("--executor", default="local", choices=("local", "dask"),
                        help="local worker processes (default), or a Dask cluster "
                             "(pip install 'gradmut[dask]')")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --executor dask: the scheduler, e.g. tcp://10.0.0.5:8786 "
                             "(default: a local cluster of --jobs workers on loopback)")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "merge", help="combine the sessions of shards into one session",
        description="Combine sessions of one target, source and configuration (the shards of "
                    "one run, from 'gradmut run --shard K/N --session ...') into a new session. "
                    "Sessions of different sources or configurations are refused.")
    parser.add_argument("sessions", nargs="+", metavar="SESSION", help="session files to merge")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="the merged session to write (must not exist yet)")
    parser.set_defaults(handler=handle)


def handle(args, out) -> int:
    from harness.session import merge

    merged = merge(args.sessions, args.out)
    for notice in merged.notices:
        sys.stderr.write(f"gradmut: note: {notice}\n")
    out.write(f"gradmut merge: {merged.sessions} sessions, {merged.mutants} mutants (baseline "
              f"and sentinel included), {merged.rows} rows -> {merged.out}\n")
    return 0
