import sys

from vwindow.cli import main

sys.exit(main())
