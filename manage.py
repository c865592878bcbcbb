#!/usr/bin/env python
"""Django's command-line utility for the bureau site."""

import os
import sys
from pathlib import Path

# The project configuration lives in site/config/; "site" itself is a stdlib
# module, so the folder is put on the path and the package is called "config".
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
