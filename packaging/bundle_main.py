"""Entry point of the desktop bundle: the same command line as ``nnviz``."""

import sys

from nnviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
