"""``python -m grader``: see grader/README.md."""
import sys

from .cli import main

sys.exit(main())
