"""`python -m harness` runs the gradmut command line."""
import sys

from harness.cli import main

sys.exit(main())
