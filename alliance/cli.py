"""The `alliance` command.

Scoring words (`score`, `change`, `outcome`, `instruments`) run the pure psychometrics core without
starting Django, so scoring a large file starts fast; everything else is a Django management
command (`alliance migrate`, `alliance check --deploy`, `alliance createclinic`, …).
"""

import os
import sys

PSYCHOMETRIC_COMMANDS = {"score", "change", "outcome", "instruments"}


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PSYCHOMETRIC_COMMANDS:
        from alliance.psychometrics.cli import main as psychometrics_main

        return psychometrics_main(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["alliance", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
