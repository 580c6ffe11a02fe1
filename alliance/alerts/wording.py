"""The two-view comparison in plain words, for the client and for the counselor.

"You and Maya agree on the goals; you rated the bond lower than Maya expected." (the client)
"You and Amira agree on the goals; Amira rated the bond lower than you expected." (the counselor)

Pure Python: the verdicts come from `psychometrics.compare.agreement`.
"""

from __future__ import annotations

from collections.abc import Mapping

PARTS = {"goal": "the goals", "task": "the tasks", "bond": "the bond"}
ORDER = ("goal", "task", "bond")


def describe(
    verdicts: Mapping[str, str], *, audience: str, client_name: str, counselor_name: str
) -> str:
    """One or two sentences; `audience` is "client" or "counselor"."""
    if audience not in {"client", "counselor"}:
        raise ValueError(f"audience must be 'client' or 'counselor', not {audience!r}")
    other = counselor_name if audience == "client" else client_name
    agree = _parts(verdicts, "agree")
    lower = _parts(verdicts, "client_lower")
    higher = _parts(verdicts, "client_higher")
    if audience == "client":
        rater, expecter = "you", counselor_name
    else:
        rater, expecter = client_name, "you"
    clauses = []
    if agree:
        clauses.append(f"you and {other} agree on {_join(agree)}")
    if lower:
        clauses.append(f"{rater} rated {_join(lower)} lower than {expecter} expected")
    if higher:
        clauses.append(f"{rater} rated {_join(higher)} higher than {expecter} expected")
    if not clauses:
        return ""
    sentence = "; ".join(clauses) + "."
    return sentence[:1].upper() + sentence[1:]


def _parts(verdicts: Mapping[str, str], verdict: str) -> list[str]:
    return [PARTS[name] for name in ORDER if verdicts.get(name) == verdict]


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
