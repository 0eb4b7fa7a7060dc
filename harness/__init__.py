"""gradmut's harness: running, checking, storing and reporting mutants of a backward pass."""
