"""``python3 -m libdiag [options] FILE...``: the ``diagnose`` command (see :mod:`libdiag.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
