"""An example clinic whose figures for March 2026 are worked out by hand below, built through
the check-in service so that the summaries are the ones the receivers keep.

Northside (the personas' clinic). PHQ-9 and GAD-7 at a January and a March session:

    client        counselor  PHQ-9    GAD-7    outcome                                   WAI-SR
    A Amira       Carmen     18 → 9   12 → 5   case, recovered, RI, reliable recovery    48, 60
    B Ben         Carmen     18 → 9   12 → 9   case, not recovered (GAD-7 9), RI          48, 48
    C Cleo        Carmen     12 → 8    9 → 7   case, recovered, no reliable change        36, 48
    D Dev         Carmen     15 → 16  10 → 15  case, not recovered, RD (GAD-7 +5)         24, 36
    E Eli         Carmen      5 → 2    3 → 2   not a case                                 36, 36
    F Dana        Chidi       4 → 4    2 → 8   not a case, RD (GAD-7 +6)                  none
    G Gus         Chidi      20 → 4   15 → 3   case, recovered, RI, reliable recovery     60, 48
                             (and an April session, 18 and 14: after March, left out)

Left out of March: H Hana (Carmen; last measured session in February), J Jo (Carmen; only
PHQ-9 in March, so one measured session). Omar, in Southside, has a course like Amira's.

March 2026, the clinic (7 paired): 5 cases; 3 recovered, 2 reliably recovered; 3 reliably
improved, 2 reliably deteriorated. Rates 3/5, 2/5, 3/7, 2/7.
Carmen (A–E, 5 paired): 4 cases, so recovery rates are too few to say; RI 2/5, RD 1/5.
Chidi (F, G): 2 paired, too few to say throughout.

Alliance–outcome: the mean of the first three WAI-SR totals against the PHQ-9 change.
Clinic (A, B, C, D, E, G; F has none): x = 54, 48, 42, 30, 36, 54 and y = −9, −9, −4, 1, −3,
−16. Means 44 and −20/3; Sxx = 480, Syy = 532/3, Sxy = −268; r = −268/√(480·532/3) = −0.919,
Fisher's interval tanh(atanh(r) ± 1.96/√3) = −0.991 to −0.421. Carmen alone (n = 5): −0.964.

Predictions, at the March session, by Carmen: goal and bond items 4, task items 5, against
the client's own answers, every item the same (A 5, B 4, C 4, D 3, E 3). Gaps (predicted
minus the client's): total −8, +4, +4, +16, +16, so a mean of 32/5 = 6.4 and a mean size of
48/5 = 9.6; goals and bond −4, 0, 0, 4, 4 (0.8, 2.4); tasks 0, 4, 4, 8, 8 (4.8, 4.8); a task
item 0, 1, 1, 2, 2 (1.2, 1.2); a goal item −1, 0, 0, 1, 1 (0.2, 0.6). Chidi predicted Gus's
March answers exactly, but one client is too few to say.
"""

import datetime
from types import SimpleNamespace

from alliance.conftest import make_client
from alliance.measures.tests.helpers import add_session, give_response
from alliance.reports.models import ITEMS, SUBSCALES

JAN, FEB, MAR, APR = (datetime.date(2026, m, d) for m, d in ((1, 12), (2, 9), (3, 9), (4, 6)))
SUBSCALE_ITEMS = {
    "goal": ("wai_4", "wai_6", "wai_8", "wai_11"),
    "task": ("wai_1", "wai_2", "wai_10", "wai_12"),
    "bond": ("wai_3", "wai_5", "wai_7", "wai_9"),
}
assert (
    sorted(sum(SUBSCALE_ITEMS.values(), ())) == sorted(ITEMS) and tuple(SUBSCALE_ITEMS) == SUBSCALES
)


def spread(total: int, count: int, high: int) -> list[int]:
    """`count` answers from 0 to `high` adding up to `total`, the first ones full."""
    values = []
    for _ in range(count):
        values.append(min(high, total))
        total -= values[-1]
    assert total == 0
    return values


def phq9(total: int) -> dict:
    return {f"phq9_{n}": v for n, v in enumerate(spread(total, 9, 3), start=1)}


def gad7(total: int) -> dict:
    return {f"gad7_{n}": v for n, v in enumerate(spread(total, 7, 3), start=1)}


def wai(value: int) -> dict:
    return {item: value for item in ITEMS}


def predicted(goal: int, task: int, bond: int) -> dict:
    values = {"goal": goal, "task": task, "bond": bond}
    return {item: values[name] for name, items in SUBSCALE_ITEMS.items() for item in items}


def course(client, measured, *, alliance=(), prediction=None):
    """`measured`: (day, PHQ-9, GAD-7 or None); `alliance`: (day, every item's answer);
    `prediction`: the counselor's answers at the March session."""
    sessions = {}
    for day, depression, anxiety in measured:
        session = sessions[day] = add_session(client, day)
        give_response(client, "phq9", phq9(depression), session)
        if anxiety is not None:
            give_response(client, "gad7", gad7(anxiety), session)
    for day, value in alliance:
        session = sessions.get(day) or add_session(client, day)
        sessions[day] = session
        give_response(client, "wai-sr", wai(value), session)
    if prediction is not None:
        give_response(client, "wai-sr-predicted", prediction, sessions[MAR])
    return sessions


CARMEN_PREDICTS = predicted(goal=4, task=5, bond=4)


def build(p) -> SimpleNamespace:
    c1, c2 = p.c1, p.c2
    cleo = make_client(p.clinic, "cleo@north.test", "Cleo", c1)
    dev = make_client(p.clinic, "dev@north.test", "Dev", c1)
    eli = make_client(p.clinic, "eli@north.test", "Eli", c1)
    gus = make_client(p.clinic, "gus@north.test", "Gus", c2)
    hana = make_client(p.clinic, "hana@north.test", "Hana", c1)
    jo = make_client(p.clinic, "jo@north.test", "Jo", c1)

    def two(first, last):
        return [(JAN, *first), (MAR, *last)]

    course(p.a, two((18, 12), (9, 5)), alliance=[(JAN, 4), (MAR, 5)], prediction=CARMEN_PREDICTS)
    course(p.b, two((18, 12), (9, 9)), alliance=[(JAN, 4), (MAR, 4)], prediction=CARMEN_PREDICTS)
    course(cleo, two((12, 9), (8, 7)), alliance=[(JAN, 3), (MAR, 4)], prediction=CARMEN_PREDICTS)
    course(dev, two((15, 10), (16, 15)), alliance=[(JAN, 2), (MAR, 3)], prediction=CARMEN_PREDICTS)
    course(eli, two((5, 3), (2, 2)), alliance=[(JAN, 3), (MAR, 3)], prediction=CARMEN_PREDICTS)
    course(p.d, two((4, 2), (4, 8)))
    course(
        gus,
        [(JAN, 20, 15), (MAR, 4, 3), (APR, 18, 14)],
        alliance=[(JAN, 5), (MAR, 4), (APR, 1)],
        prediction=wai(4),
    )
    course(hana, [(JAN, 18, 12), (FEB, 5, 4)], alliance=[(JAN, 5)])
    course(jo, [(JAN, 18, 12), (MAR, 5, None)])
    course(p.other_client, two((18, 12), (9, 5)), alliance=[(JAN, 4), (MAR, 5)])
    return SimpleNamespace(cleo=cleo, dev=dev, eli=eli, gus=gus, hana=hana, jo=jo)


MARCH = "from=2026-03-01&to=2026-03-31"

CLINIC_MARCH = {
    "paired": 7,
    "caseness_start": 5,
    "recovered": 3,
    "reliable_recovery": 2,
    "reliable_improvement": 3,
    "reliable_deterioration": 2,
    "recovery_rate": 0.6,
    "reliable_recovery_rate": 0.4,
    "reliable_improvement_rate": 0.429,
    "reliable_deterioration_rate": 0.286,
    "alliance_outcome": {"r": -0.919, "n": 6, "ci95": [-0.991, -0.421]},
}

CARMEN_MARCH = {
    "paired": 5,
    "caseness_start": 4,
    "recovered": None,
    "reliable_recovery": None,
    "reliable_improvement": 2,
    "reliable_deterioration": 1,
    "recovery_rate": None,
    "reliable_recovery_rate": None,
    "reliable_improvement_rate": 0.4,
    "reliable_deterioration_rate": 0.2,
    "alliance_outcome": {"r": -0.964, "n": 5, "ci95": [-0.998, -0.543]},
}

CHIDI_MARCH = {
    "paired": 2,
    "caseness_start": None,
    "recovered": None,
    "reliable_recovery": None,
    "reliable_improvement": None,
    "reliable_deterioration": None,
    "recovery_rate": None,
    "reliable_recovery_rate": None,
    "reliable_improvement_rate": None,
    "reliable_deterioration_rate": None,
    "alliance_outcome": {"r": None, "n": 1, "ci95": None},
}


def gap(mean, size):
    return {"mean_gap": mean, "mean_abs_gap": size}


def carmen_accuracy(p):
    items = {}
    for name, item_ids in SUBSCALE_ITEMS.items():
        for item in item_ids:
            items[item] = gap(1.2, 1.2) if name == "task" else gap(0.2, 0.6)
    return {
        "counselor_id": p.c1.pk,
        "name": p.c1.name,
        "clients": 5,
        "sessions": 5,
        **gap(6.4, 9.6),
        "subscales": {"goal": gap(0.8, 2.4), "task": gap(4.8, 4.8), "bond": gap(0.8, 2.4)},
        "items": {item: items[item] for item in ITEMS},
    }


def chidi_accuracy(p):
    return {
        "counselor_id": p.c2.pk,
        "name": p.c2.name,
        "clients": 1,
        "sessions": 1,
        **gap(None, None),
        "subscales": {name: gap(None, None) for name in SUBSCALES},
        "items": {item: gap(None, None) for item in ITEMS},
    }
