"""`gradmut merge`: combine shard sessions into one session.

Shards let several machines or CI jobs split a run without a cluster; merging their sessions
gives the session one whole run would have written, which `gradmut report` then reads.
"""
from __future__ import annotations

from harness.cli_common import print_notices


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
    from harness.session_merge import merge

    merged = merge(args.sessions, args.out)
    print_notices(merged.notices)
    out.write(f"gradmut merge: {merged.sessions} sessions, {merged.mutants} mutants (baseline "
              f"and sentinel included), {merged.rows} rows -> {merged.out}\n")
    return 0
