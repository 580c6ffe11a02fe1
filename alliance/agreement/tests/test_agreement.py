"""The agreement mechanism, driven through both kinds of record that use it: goals and tasks.

Each test runs once per kind, so a rule the mechanism holds holds for both, and a kind that
drifts from it fails here by name.
"""

from types import SimpleNamespace

import pytest

from alliance.agreement import services as agreement
from alliance.audit.models import AuditEvent
from alliance.conftest import send_json
from alliance.errors import Conflict, Invalid, NotAllowed
from alliance.goals import services as goals
from alliance.goals.models import Closure, Goal, GoalVersion
from alliance.goals.tests.helpers import last_event_id, make_goal
from alliance.homework import services as homework
from alliance.homework.models import Task, TaskDrop, TaskVersion


def propose_goal(p, user):
    return goals.propose_goal(user, p.a, "Call my sister every week", "She keeps me steady")


def propose_task(p, user):
    goal = make_goal(p, agreed=True)
    return homework.propose_task(user, p.a, goal.pk, "Ring her on Sunday evening", "weekly")


KINDS = {
    "goal": SimpleNamespace(
        model=Goal,
        versions=GoalVersion,
        proposals=Closure,
        propose=propose_goal,
        edit=goals.edit_goal,
        agree=goals.agree_to_goal,
        propose_end=lambda user, goal, note: goals.propose_closure(
            user, goal, "retired", note, goal.version
        ),
        answer_end=goals.answer_closure,
        url="/api/v1/goals/{}",
        end="closure",
    ),
    "task": SimpleNamespace(
        model=Task,
        versions=TaskVersion,
        proposals=TaskDrop,
        propose=propose_task,
        edit=homework.edit_task,
        agree=homework.agree_to_task,
        propose_end=lambda user, task, note: homework.propose_drop(user, task, note, task.version),
        answer_end=homework.answer_drop,
        url="/api/v1/tasks/{}",
        end="drop",
    ),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request):
    return KINDS[request.param]


def fresh(kind, record):
    return kind.model.objects.select_related("client").get(pk=record.pk)


# -- who completes an agreement ----------------------------------------------------------------


@pytest.mark.parametrize("proposer", ["client", "counselor"])
def test_agreeing_again_to_ones_own_version_leaves_it_proposed(personas, kind, proposer):
    user = personas.a.user if proposer == "client" else personas.c1
    record = kind.propose(personas, user)
    agreed = kind.agree(user, fresh(kind, record), 1)
    assert (agreed.status, agreed.is_mutual) == ("proposed", False)
    assert agreed.agreed == {"client": proposer == "client", "counselor": proposer == "counselor"}
    version = kind.versions.objects.get(number=1, **{kind.model.noun: record})
    other = "counselor" if proposer == "client" else "client"
    assert version.agreed_at(other) is None


@pytest.mark.parametrize("proposer", ["client", "counselor"])
def test_only_the_other_sides_agreement_makes_it_mutual(personas, kind, proposer):
    user, other = (
        (personas.a.user, personas.c1) if proposer == "client" else (personas.c1, personas.a.user)
    )
    record = kind.propose(personas, user)
    agreed = kind.agree(other, fresh(kind, record), 1)
    assert (agreed.status, agreed.is_mutual) == ("agreed", True)
    version = kind.versions.objects.get(number=1, **{kind.model.noun: record})
    assert version.client_agreed_at and version.counselor_agreed_at


@pytest.mark.parametrize("reader", ["supervisor", "admin", "c2"])
def test_no_one_but_the_two_sides_can_agree(personas, kind, reader):
    record = kind.propose(personas, personas.a.user)
    with pytest.raises(NotAllowed):
        kind.agree(personas.users[reader], fresh(kind, record), 1)
    record.refresh_from_db()
    assert (record.status, record.agreed) == ("proposed", {"client": True, "counselor": False})


def test_a_supervisor_is_refused_with_403_by_the_api(personas, kind, api_as):
    record = kind.propose(personas, personas.a.user)
    url = kind.url.format(record.pk) + "/agree"
    response = send_json(api_as(personas.supervisor), "POST", url, {"version": 1})
    assert response.status_code == 403
    assert response.json() == {
        "detail": f"Only the client and their counselor change {kind.model.noun}s; "
        "you can read them."
    }
    record.refresh_from_db()
    assert record.status == "proposed"


def test_an_edit_clears_the_other_sides_agreement(personas, kind):
    record = kind.propose(personas, personas.a.user)
    kind.agree(personas.c1, fresh(kind, record), 1)
    revision = kind.edit(personas.c1, fresh(kind, record), 1, text="In other words")
    assert revision.changed
    assert (revision.record.version, revision.record.status) == (2, "proposed")
    assert revision.record.agreed == {"client": False, "counselor": True}
    assert kind.agree(personas.a.user, fresh(kind, record), 2).is_mutual


# -- edits, compared the same way for every kind ------------------------------------------------


def test_saving_the_same_wording_makes_no_new_version(personas, kind):
    record = kind.propose(personas, personas.a.user)
    kind.agree(personas.c1, fresh(kind, record), 1)
    same = fresh(kind, record).text
    revision = kind.edit(personas.c1, fresh(kind, record), 1, text=f"  {same}\r\n")
    assert not revision.changed
    record.refresh_from_db()
    assert (record.version, record.status) == (1, "agreed")
    assert kind.versions.objects.filter(**{kind.model.noun: record}).count() == 1


def test_an_edit_based_on_an_old_version_is_refused_with_the_current_record(personas, kind):
    record = kind.propose(personas, personas.a.user)
    kind.edit(personas.c1, fresh(kind, record), 1, text="The counselor's wording")
    with pytest.raises(Conflict) as refused:
        kind.edit(personas.a.user, fresh(kind, record), 1, text="The client's wording")
    assert refused.value.message == (
        f"Carmen Counselor saved version 2 of this {kind.model.noun} while you were looking at "
        "version 1. Read the newer wording before you change or agree to it."
    )
    assert refused.value.current.text == "The counselor's wording"
    with pytest.raises(Conflict):
        kind.agree(personas.c1, fresh(kind, record), 1)


def test_the_api_answers_a_stale_change_with_the_current_record_in_its_shape(
    personas, kind, api_as
):
    record = kind.propose(personas, personas.a.user)
    url = kind.url.format(record.pk)
    send_json(api_as(personas.c1), "PATCH", url, {"version": 1, "text": "A"})
    response = send_json(api_as(personas.a.user), "PATCH", url, {"version": 1, "text": "B"})
    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"detail", "current"}
    assert body["current"] == api_as(personas.a.user).get(url).json()
    assert (body["current"]["version"], body["current"]["text"]) == (2, "A")


# -- ending -------------------------------------------------------------------------------------


def test_an_edit_withdraws_a_waiting_proposal_to_end_it(personas, kind):
    record = kind.propose(personas, personas.a.user)
    record = kind.agree(personas.c1, fresh(kind, record), 1)
    kind.propose_end(personas.c1, fresh(kind, record), "Not for now")
    kind.edit(personas.a.user, fresh(kind, record), 1, text="Smaller")
    proposal = kind.proposals.objects.get()
    assert (proposal.answer, proposal.answered_by) == ("superseded", personas.a.user)
    with pytest.raises(Conflict, match="is waiting"):
        kind.answer_end(personas.a.user, fresh(kind, record), True)


def test_the_other_side_confirms_the_end_and_the_proposer_only_withdraws(personas, kind):
    record = kind.propose(personas, personas.a.user)
    kind.agree(personas.c1, fresh(kind, record), 1)
    kind.propose_end(personas.c1, fresh(kind, record), "Not for now")
    withdrawn = kind.answer_end(personas.c1, fresh(kind, record), False)
    assert withdrawn.is_open
    kind.propose_end(personas.c1, fresh(kind, record), "Not for now, really")
    declined = kind.answer_end(personas.a.user, fresh(kind, record), False, "Let us keep it")
    assert declined.is_open
    kind.propose_end(personas.a.user, fresh(kind, record), "It no longer fits")
    before = last_event_id()
    ended = kind.answer_end(personas.c1, fresh(kind, record), True)
    assert not ended.is_open and getattr(ended, ended.ended_at)
    assert list(kind.proposals.objects.values_list("answer", flat=True)) == [
        "withdrawn",
        "declined",
        "confirmed",
    ]
    verb = kind.proposals.verb
    assert AuditEvent.objects.filter(pk__gt=before, action=f"{verb}_confirmed").exists()
    with pytest.raises(Conflict, match="can no longer be changed"):
        kind.edit(personas.a.user, fresh(kind, record), 1, text="Again")


def test_a_second_proposal_to_end_waits_for_the_first(personas, kind):
    record = kind.propose(personas, personas.a.user)
    kind.agree(personas.c1, fresh(kind, record), 1)
    kind.propose_end(personas.c1, fresh(kind, record), "Not for now")
    with pytest.raises(Conflict, match="Carmen Counselor already proposed"):
        kind.propose_end(personas.a.user, fresh(kind, record), "Me too")


# -- the text both sides write ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "Say it."),
        ("  \r\n ", "Say it."),
        (12, "Expected text."),
        ("nul\x00", "The text contains a character that cannot be stored."),
        ("\ud800", "The text contains a character that cannot be stored."),
        ("x" * 11, "Keep this to 10 characters or fewer (it has 11)."),
    ],
)
def test_it_refuses_text_that_cannot_be_stored_naming_the_field(value, message):
    with pytest.raises(Invalid) as refused:
        agreement.clean_text(value, "note", 10, blank="Say it.")
    assert (refused.value.field, refused.value.message) == ("note", message)


def test_it_trims_text_and_makes_line_endings_plain():
    assert agreement.clean_text("  one\r\ntwo\rthree \n", "note", 100) == "one\ntwo\nthree"
    assert agreement.clean_text(None, "note", 100) == ""
