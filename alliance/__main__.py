import sys

from alliance.cli import main

sys.exit(main())
