"""``python -m smmdesk`` and the ``smmdesk`` console script."""

import sys

from smmdesk.app import main

if __name__ == "__main__":
    sys.exit(main())
