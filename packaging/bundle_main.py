"""Entry point of the desktop bundle: the same command line as ``nnviz``."""

import multiprocessing
import sys

from nnviz.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the window's export runs in a child of this executable
    sys.exit(main())
