"""The two-view comparison in plain words, for the client and for the counselor.

Two different things are said, and never run together:
- how well the counselor *predicted* the client's answers ("Maya expected your answers about the
  goals; you rated the bond lower than Maya expected"), and
- how the alliance *is*, in the client's own answers ("Your own ratings of the goals are low:
  'sometimes' on average").
Expecting low answers correctly is not agreeing that the work is going well, so the words never
say "you and Maya agree" about a part the client rated low.

Pure Python: the verdicts come from `psychometrics.compare.agreement`.
"""

from __future__ import annotations

from collections.abc import Mapping

PARTS = {"goal": "the goals", "task": "the tasks", "bond": "the bond"}
ORDER = ("goal", "task", "bond")
# The WAI-SR answer scale, for saying an average in the scale's own words.
SCALE = {1: "seldom", 2: "sometimes", 3: "fairly often", 4: "very often", 5: "always"}
# Below "fairly often" (the weak-spot line, our heuristic: see thresholds.json).
LOW_BELOW = 3.0


def describe(
    verdicts: Mapping[str, str],
    *,
    audience: str,
    client_name: str,
    counselor_name: str,
    client_means: Mapping[str, float] | None = None,
    low_below: float = LOW_BELOW,
) -> str:
    """One sentence on the prediction and, given the client's own item means by part
    (`client_means`), one on how the alliance is. `audience` is "client" or "counselor"."""
    if audience not in {"client", "counselor"}:
        raise ValueError(f"audience must be 'client' or 'counselor', not {audience!r}")
    expected = _parts(verdicts, "agree")
    lower = _parts(verdicts, "client_lower")
    higher = _parts(verdicts, "client_higher")
    if audience == "client":
        rater, expecter, whose = "you", counselor_name, "your answers"
    else:
        rater, expecter, whose = client_name, "you", f"{client_name}'s answers"
    clauses = []
    if expected:
        clauses.append(f"{expecter} expected {whose} about {_join(expected)}")
    if lower:
        clauses.append(f"{rater} rated {_join(lower)} lower than {expecter} expected")
    if higher:
        clauses.append(f"{rater} rated {_join(higher)} higher than {expecter} expected")
    sentences = []
    if clauses:
        sentences.append(_capital("; ".join(clauses) + "."))
    if client_means:
        sentences.append(_level(client_means, audience, client_name, low_below))
    return " ".join(sentences)


def _level(means: Mapping[str, float], audience: str, client_name: str, low_below: float) -> str:
    owner = "Your own ratings" if audience == "client" else f"{client_name}'s own ratings"
    low = [name for name in ORDER if name in means and means[name] < low_below]
    if not low:
        return f"{owner} of the goals, the tasks and the bond are “fairly often” or higher."
    described = [f"{PARTS[name]} (“{in_words(means[name])}” on average)" for name in low]
    return f"{owner} of {_join(described)} are low."


def in_words(mean: float) -> str:
    """An item mean in the answer scale's words: the nearest answer."""
    return SCALE[min(5, max(1, int(mean + 0.5)))]


def _parts(verdicts: Mapping[str, str], verdict: str) -> list[str]:
    return [PARTS[name] for name in ORDER if verdicts.get(name) == verdict]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
