import sys

from perftui.cli import main

sys.exit(main())
