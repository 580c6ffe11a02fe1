"""Loaded by pytest before Django starts (see pyproject): settings for the test suite."""

import os

os.environ.setdefault("ALLIANCE_DEBUG", "1")
os.environ.setdefault("ALLIANCE_STAFF_2FA", "required")
os.environ.setdefault("ALLIANCE_SECURE_COOKIES", "false")
