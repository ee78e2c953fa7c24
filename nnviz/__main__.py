"""`python -m nnviz` runs the command line interface."""

import sys

from nnviz.cli import main

sys.exit(main())
