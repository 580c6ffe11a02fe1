"""One client's record as a FHIR R4B `Bundle`, read as one person may see it.

The Bundle is of type `collection`: a set of resources gathered for one purpose (moving a
client's measures and care plan to another system). It is not `searchset`, which is the answer
to a FHIR search (with search modes, totals and paging links, none of which this is), nor
`document`, which needs a Composition that attests to its contents.

What it holds, each through its model's access rule for the reader: the `Patient` (name and
email only), an `Encounter` per session, a `QuestionnaireResponse` per check-in the reader may
see (the prediction lock applies: `Response.objects.visible_to`) with an `Observation` per
score, a `Goal` per goal with an `Observation` per goal-attainment rating, and a `CarePlan`
whose activities are the agreed tasks. Notes of either kind and journal entries, shared or not,
are never part of it: this is an exchange of clinical measures and the care plan, not of what
anyone wrote about the client. A fixed number of queries, however long the history.
"""

import uuid

from django.db.models import Prefetch
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from alliance.care.models import Client, Session
from alliance.goals.models import Goal, Rating
from alliance.homework.models import Task, TaskStatus
from alliance.interop.fhir.record import RESPONSE_FIELDS, Resources, Validator, instant
from alliance.measures.models import Response


def client_resources(client: Client, user, resources: Resources) -> list[dict]:
    """Every resource of the Bundle, as data, in reading order."""
    sessions = Session.objects.visible_to(user).filter(client=client).order_by("date", "id")
    responses = (
        Response.objects.visible_to(user)
        .filter(client=client)
        .order_by("submitted_at", "id")
        .only(*RESPONSE_FIELDS)
    )
    goals = (
        Goal.objects.visible_to(user)
        .filter(client=client)
        .order_by("created_at", "id")
        .prefetch_related("levels", Prefetch("ratings", Rating.objects.order_by("rated_at", "id")))
    )
    tasks = list(
        Task.objects.visible_to(user)
        .filter(client=client, status=TaskStatus.AGREED)
        .order_by("created_at", "id")
    )
    found = [resources.patient(client.pk, client.name, client.email)]
    found += [resources.encounter(session) for session in sessions]
    for response in responses:
        found.append(resources.questionnaire_response(response))
        found += resources.score_observations(response)
    for goal in goals:
        levels, ratings = list(goal.levels.all()), list(goal.ratings.all())
        found.append(resources.goal(goal, client.user_id, levels, ratings))
        found += resources.rating_observations(goal, ratings)
    plan = resources.care_plan(client.pk, tasks)
    if plan is not None:
        found.append(plan)
    return found


def client_bundle(client: Client, user) -> dict:
    """The Bundle, validated resource by resource and as a whole, JSON-ready."""
    found = client_resources(client, user, Resources(in_bundle=True))
    entries = [{"fullUrl": f"urn:uuid:{data['id']}", "resource": data} for data in found]
    head = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": instant(timezone.now()),
    }
    # A Bundle does not check the resources inside it, so each is validated by its own model;
    # the Bundle is then checked with those models in place (cheap: they are not re-validated).
    validated = Validator()
    Bundle.model_validate(
        head
        | {
            "entry": [
                {"fullUrl": entry["fullUrl"], "resource": validated(entry["resource"])}
                for entry in entries
            ]
        }
    )
    return head | {"entry": entries}
