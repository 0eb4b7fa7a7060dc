"""LibCST operators that write the bugs people write in backward passes."""
