"""The summaries the clinic figures read: kept by each check-in as it is stored, the same as
when made again from every check-in, and read in a number of queries that does not grow with
the clinic."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.conftest import make_client
from alliance.measures.instruments import find
from alliance.measures.tests.helpers import add_session, give_response
from alliance.psychometrics.outcome import PairedSession
from alliance.psychometrics.period import early_alliance, period_outcome
from alliance.psychometrics.service import prediction_accuracy
from alliance.reports import analytics, summary
from alliance.reports.models import ITEMS, PARTS, SUBSCALES, OutcomeSummary, PredictionGap
from alliance.reports.ranges import Period
from alliance.reports.tests import clinic_example as example


def rows(model, key):
    return sorted(model.objects.values(), key=lambda row: row[key])


def without_times(summaries):
    return [{k: v for k, v in row.items() if k not in ("updated_at", "id")} for row in summaries]


@pytest.fixture
def clinic(personas):
    return example.build(personas)


def test_each_check_in_keeps_its_clients_summary(personas, clinic):
    amira = OutcomeSummary.objects.get(client=personas.a)
    assert amira.paired == 2
    assert (amira.second_day, amira.last_day) == (example.MAR, example.MAR)
    assert json.loads(amira.series) == [["2026-01-12", 18, 12], ["2026-03-09", 9, 5]]
    assert amira.recovered is True and amira.reliable_recovery is True
    assert amira.depression_change == -9
    assert json.loads(amira.alliance) == [["2026-01-12", 48], ["2026-03-09", 60]]
    assert amira.alliance_mean == 54
    jo = OutcomeSummary.objects.get(client=clinic.jo)
    assert jo.paired == 1 and jo.second_day is None and jo.recovered is None


def test_each_pair_of_views_keeps_its_sessions_gaps(personas, clinic):
    gap = PredictionGap.objects.get(client=clinic.dev)
    assert gap.counselor_id == personas.c1.pk and gap.day == example.MAR
    assert (gap.total, gap.goal, gap.task, gap.bond) == (16, 4, 8, 4)
    assert gap.wai_1 == 2 and gap.wai_4 == 1
    # Hana answered the alliance questionnaire, but nobody predicted it: no gap.
    assert not PredictionGap.objects.filter(client=clinic.hana).exists()


def test_making_them_again_gives_the_same_rows(personas, clinic):
    kept = without_times(rows(OutcomeSummary, "client_id")), rows(PredictionGap, "session_id")
    OutcomeSummary.objects.all().delete()
    PredictionGap.objects.all().delete()
    assert summary.rebuild(batch=3) == 10  # every client, in batches of three
    again = without_times(rows(OutcomeSummary, "client_id")), rows(PredictionGap, "session_id")
    kept = kept[0], without_times(kept[1])
    again = again[0], without_times(again[1])
    assert again[1] == kept[1]
    with_checkins = [
        row for row in again[0] if row["client_id"] in {r["client_id"] for r in kept[0]}
    ]
    assert with_checkins == kept[0]


def test_the_command_and_the_upgrade_fill_what_is_missing(personas, clinic):
    OutcomeSummary.objects.filter(clinic=personas.other_clinic).delete()
    PredictionGap.objects.all().delete()
    call_command("analytics_rebuild", "--clinic", "Southside Clinic", verbosity=0)
    assert OutcomeSummary.objects.filter(client=personas.other_client).exists()
    assert not PredictionGap.objects.exists()
    OutcomeSummary.objects.all().delete()
    assert summary.fill_missing() == 10
    assert OutcomeSummary.objects.count() == 10


def test_a_clinic_of_any_size_is_read_in_the_same_number_of_queries(personas, clinic):
    scope = analytics.Scope(personas.clinic)
    march = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            analytics.figures(scope, march)
            analytics.by_month(scope, Period(), today=datetime.date(2026, 5, 1))
        return len(captured)

    small = queries()
    for n in range(8):
        client = make_client(personas.clinic, f"more{n}@north.test", f"More {n}", personas.c2)
        example.course(
            client,
            [(example.JAN, 18, 12), (example.MAR, 6, 4), (example.APR, 5, 3)],
            alliance=[(example.JAN, 4), (example.MAR, 4)],
            prediction=example.wai(4),
        )
    assert analytics.figures(scope, march)["paired"] == 15
    assert queries() == small == 5


def test_the_parts_compared_are_the_alliance_forms_own():
    for code in ("wai-sr", "wai-sr-predicted"):
        form = find(code)
        assert tuple(form.item_ids) == ITEMS
        assert tuple(s.name for s in form.subscales) == SUBSCALES
    assert {f.name for f in PredictionGap._meta.fields} >= set(PARTS)


# --- The fast paths agree with the definitions ------------------------------------------------

days = st.integers(0, 300).map(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(n))
series = st.lists(
    st.tuples(days, st.integers(0, 27), st.integers(0, 21)), max_size=10, unique_by=lambda t: t[0]
).map(sorted)
periods = st.tuples(st.one_of(st.none(), days), st.one_of(st.none(), days))


@settings(max_examples=300)
@given(series, periods, st.lists(st.tuples(days, st.integers(12, 60)), max_size=5))
def test_reading_a_summary_gives_the_definitions_outcome(entries, period, checkins):
    start, end = period
    pairs = [PairedSession(n, day, d, a) for n, (day, d, a) in enumerate(entries)]
    expected = period_outcome(pairs, find("phq9"), find("gad7"), start=start, end=end)
    fields = summary.summarise(
        [(n, day, "phq9", d) for n, (day, d, _) in enumerate(entries)]
        + [(n, day, "gad7", a) for n, (day, _, a) in enumerate(entries)]
        + [(None, day, "wai-sr", total) for day, total in checkins]
    )
    stored = [fields[name] for name in analytics.OUTCOME_FLAGS]
    last = fields["last_day"]
    row = (
        1,
        2,
        *stored,
        fields["depression_change"],
        fields["alliance_mean"],
        fields["series"] if end is not None and last and last > end else None,
        fields["alliance"]
        if end is not None and fields["alliance_last_day"] and fields["alliance_last_day"] > end
        else None,
    )
    # The database's own filter first (`analytics._summaries`), then the row.
    selected = fields["second_day"] is not None
    selected = selected and (end is None or fields["second_day"] <= end)
    selected = selected and (start is None or fields["last_day"] >= start)
    person = analytics._person_from_row(row, start, end) if selected else None
    if expected is None:
        assert person is None
        return
    assert person is not None
    assert person.outcome == {name: expected[name] for name in analytics.OUTCOME_FLAGS}
    assert person.depression_change == expected["measures"]["phq9"]["change"]
    assert person.alliance == early_alliance(checkins, until=end)


answer_sets = st.lists(
    st.tuples(st.integers(0, 5), st.lists(st.integers(1, 5), min_size=24, max_size=24)),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answer_sets)
def test_the_accuracy_read_is_the_definitions(personas, sessions):
    with transaction.atomic():
        clients = [
            make_client(personas.clinic, f"h{n}@north.test", f"H {n}", personas.c1)
            for n in range(6)
        ]
        pairs = []
        for number, (which, values) in enumerate(sessions):
            client = clients[which]
            session = add_session(client, datetime.date(2026, 1, 1) + datetime.timedelta(number))
            own = give_response(
                client, "wai-sr", dict(zip(ITEMS, values[:12], strict=True)), session
            )
            guess = give_response(
                client, "wai-sr-predicted", dict(zip(ITEMS, values[12:], strict=True)), session
            )
            pairs.append(tuple(shape(response) for response in (own, guess)))
        expected = prediction_accuracy(pairs)
        [read] = analytics.figures(analytics.Scope(personas.clinic, personas.c1), Period())[
            "prediction_accuracy"
        ]
        assert read["sessions"] == expected["sessions"]
        assert read["clients"] == len({which for which, _ in sessions})
        if read["clients"] >= 5:
            assert (read["mean_gap"], read["mean_abs_gap"]) == (
                expected["mean_gap"],
                expected["mean_abs_gap"],
            )
            assert read["subscales"] == expected["subscales"]
            assert read["items"] == expected["items"]
        else:
            assert read["mean_gap"] is None and read["items"]["wai_1"]["mean_gap"] is None
        transaction.set_rollback(True)


def shape(response):
    return {
        "total": response.total,
        "subscales": {name: part["sum"] for name, part in response.subscales.items()},
        "items": response.answers,
    }
