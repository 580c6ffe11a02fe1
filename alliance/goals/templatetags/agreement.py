"""`{% load agreement %}`: the agreement mechanism's tags (`alliance.agreement.tags`), found here
because Django looks for tag libraries in installed apps only."""

from alliance.agreement.tags import register  # noqa: F401
