"""A client's record as FHIR R4B resources: the pieces of the client's Bundle (`bundle`) and of
a clinic's Bulk Data export (`bulk`).

Each builder returns the resource as data; whoever emits it validates it first with its R4B
model (`validated`, or a `Validator` for many), so nothing leaves Alliance that
`fhir.resources` has not accepted. The
data is written as it was validated, which the tests check is exactly the model's own JSON:
serialising through the models costs four times their validation, which matters for a clinic's
million check-ins.

Ids are stable: a version-5 UUID of the installation's FHIR base, the resource type and the
Alliance row, so the same session, check-in or goal has the same id in every export and a
receiving system can tell an update from a new resource. Inside a Bundle a resource is named by
`urn:uuid:<id>` (its fullUrl); in Bulk Data files by `Type/<id>`.

What is chosen where FHIR leaves a choice:
- A session is an `Encounter` (class AMB, ambulatory; length in minutes); whether it took
  place is its status (finished or cancelled), and a no-show, which R4 Encounter cannot say,
  is told apart from a cancellation by an `attendance` extension.
- A check-in is a `QuestionnaireResponse` to the instrument's canonical Questionnaire; each
  score is an `Observation` (category survey) derived from it: LOINC codes where LOINC has one
  (PHQ-9 total 44261-6, GAD-7 total 70274-6), Alliance's score code system otherwise (the
  WAI-SR's totals and subscales, and the counselor's prediction of them).
- A goal is a `Goal`. Goal Attainment Scaling makes level 0 "the expected outcome", which is
  what `Goal.target` means, so the target is level 0 on the attainment-level measure; the
  words of all five levels and the goal's weight are extensions (FHIR has no element for a
  scale of outcomes). Each rating is a measurement by one side at one time, so it is an
  `Observation` whose `focus` is the goal and which the goal lists as an `outcomeReference`.
- The agreed tasks are the activities of one `CarePlan` (status active, intent plan), each
  linked to its goal.
"""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
)
from fhir.resources.R4B.reference import Reference

from alliance.interop.fhir.questionnaire import LOINC, canonical_base, code_system_url
from alliance.interop.fhir.responses import response_data
from alliance.measures.instruments import all_instruments, short_name
from alliance.psychometrics import Instrument

MODELS = {
    model.__name__: model
    for model in (CarePlan, Encounter, Goal, Observation, Patient, QuestionnaireResponse)
}

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
UCUM = "http://unitsofmeasure.org"

SURVEY = [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}]
AMBULATORY = {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"}

ENCOUNTER_STATUS = {"attended": "finished", "cancelled": "cancelled", "no_show": "cancelled"}
GOAL_LIFECYCLE = {
    "proposed": "proposed",
    "agreed": "active",
    "achieved": "completed",
    "retired": "cancelled",
}
# Retired goals have none: setting a goal aside says nothing about whether it was reached.
GOAL_ACHIEVEMENT_STATUS = {"agreed": "in-progress", "achieved": "achieved"}

GAS_LEVEL = "goal-attainment-level"
GAS_RATING = "goal-attainment-rating"
COUNSELOR = {"type": "Practitioner", "display": "The client's counselor"}
# What a QuestionnaireResponse and its score Observations read of a check-in: a Bundle and a
# bulk export load only these, not the rest of the row.
RESPONSE_FIELDS = (
    "id",
    "client_id",
    "session_id",
    "instrument",
    "instrument_version",
    "respondent_role",
    "answers",
    "total",
    "subscales",
    "submitted_at",
)


def validated(data: dict):
    """The R4B model of `data`; raises (pydantic's `ValidationError`) when it is not valid."""
    return MODELS[data["resourceType"]].model_validate(data)


class Validator:
    """Validates many resources with their R4B models, as `validated` does, for less.

    The parts that repeat from resource to resource come from a small set: each answered item
    of a check-in is one form's item with one of its answers, an Observation's category and
    code are one of a few, and the references to a client and a session recur with each of
    their resources. Each distinct part is validated once by its own R4B element model and the
    validated element is reused where the same part recurs: validating the same data again
    would give the same result. The resource around the parts is validated in full every time.
    At most `MAX_PARTS` parts are kept (then the store starts afresh), so memory stays flat
    however many resources pass.
    """

    PARTS = {
        "QuestionnaireResponse": {
            "item": QuestionnaireResponseItem,
            "subject": Reference,
            "author": Reference,
            "encounter": Reference,
        },
        "Observation": {
            "category": CodeableConcept,
            "code": CodeableConcept,
            "subject": Reference,
            "performer": Reference,
            "encounter": Reference,
        },
        "Encounter": {"subject": Reference},
    }
    MAX_PARTS = 2_000

    def __init__(self):
        self.parts: dict[tuple, object] = {}

    def __call__(self, data: dict):
        kind = data["resourceType"]
        parts = self.PARTS.get(kind)
        if parts:
            data = dict(data)
            for name, model in parts.items():
                value = data.get(name)
                if isinstance(value, list):
                    data[name] = [self._part(model, element) for element in value]
                elif value is not None:
                    data[name] = self._part(model, value)
        return MODELS[kind].model_validate(data)

    def _part(self, model, value):
        # repr is cheap and the builders write each part's keys in one order; an equal part
        # written in another order is only a miss, validated afresh.
        key = (model, repr(value))
        found = self.parts.get(key)
        if found is None:
            found = model.model_validate(value)
            if len(self.parts) >= self.MAX_PARTS:
                self.parts.clear()
            self.parts[key] = found
        return found


def instant(moment: datetime) -> str:
    """A FHIR dateTime/instant in UTC, written as the R4B models write it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _number(value) -> dict:
    """A score as an Observation value: whole totals as integers, any other as a quantity."""
    if float(value).is_integer():
        return {"valueInteger": int(value)}
    return {"valueQuantity": {"value": value}}


class Resources:
    """Builds one installation's resources; `in_bundle` chooses how they name each other."""

    def __init__(self, *, in_bundle: bool):
        self.base = canonical_base()
        self.in_bundle = in_bundle
        self.instruments: dict[str, Instrument] = all_instruments()
        self.scores_system = code_system_url()
        self.attendance_url = self.extension_url("attendance")
        self.identifier_system = f"{self.base}/responses"
        # A client's and a session's ids are asked for again with each of their resources;
        # a bounded cache keeps memory flat.
        self.id = functools.lru_cache(maxsize=4096)(self._id)

    def extension_url(self, name: str) -> str:
        return f"{self.base}/StructureDefinition/{name}"

    # -- ids and references --------------------------------------------------------------

    def _id(self, kind: str, key) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}/{kind}/{key}"))

    def reference(self, kind: str, key) -> str:
        if self.in_bundle:
            return f"urn:uuid:{self.id(kind, key)}"
        return f"{kind}/{self.id(kind, key)}"

    def ref(self, kind: str, key) -> dict:
        return {"reference": self.reference(kind, key)}

    def patient_ref(self, client_id: int) -> dict:
        return self.ref("Patient", client_id)

    # -- resources -------------------------------------------------------------------------

    def patient(self, client_id: int, name: str, email: str) -> dict:
        data = {"resourceType": "Patient", "id": self.id("Patient", client_id)}
        if name:
            data["name"] = [{"text": name}]
        if email:
            data["telecom"] = [{"system": "email", "value": email}]
        return data

    def encounter(self, session) -> dict:
        data = {
            "resourceType": "Encounter",
            "id": self.id("Encounter", session.pk),
            "extension": [{"url": self.attendance_url, "valueCode": session.attendance}],
            "status": ENCOUNTER_STATUS[session.attendance],
            "class": AMBULATORY,
            "subject": self.patient_ref(session.client_id),
            "period": {"start": session.date.isoformat(), "end": session.date.isoformat()},
        }
        if session.duration_minutes:
            data["length"] = {
                "value": session.duration_minutes,
                "unit": "min",
                "system": UCUM,
                "code": "min",
            }
        return data

    def _respondent(self, response) -> dict:
        if response.respondent_role == "client":
            return self.patient_ref(response.client_id)
        return COUNSELOR

    def questionnaire_response(self, response) -> dict:
        instrument = self.instruments.get(response.instrument)
        fields = {
            "resource_id": self.id("QuestionnaireResponse", response.pk),
            "identifier": {"system": self.identifier_system, "value": str(response.pk)},
            "patient_reference": self.reference("Patient", response.client_id),
            "authored": instant(response.submitted_at),
            "version": response.instrument_version,
            "author": self._respondent(response),
            "encounter_reference": (
                self.reference("Encounter", response.session_id) if response.session_id else None
            ),
        }
        if instrument is not None:
            return response_data(instrument, response.answers, **fields)
        # A form this installation no longer defines: its answers as the numbers they were.
        data = response_data(_unknown(response.instrument), {}, **fields)
        data["item"] = [
            {"linkId": item_id, "answer": [_number_answer(value)]}
            for item_id, value in response.answers.items()
        ]
        return data

    def score_observations(self, response) -> list[dict]:
        """The total, then each subscale, each derived from the response."""
        instrument = self.instruments.get(response.instrument)
        short = short_name(instrument) if instrument else response.instrument
        common = {
            "status": "final",
            "category": SURVEY,
            "subject": self.patient_ref(response.client_id),
            "effectiveDateTime": instant(response.submitted_at),
            "performer": [self._respondent(response)],
            "derivedFrom": [self.ref("QuestionnaireResponse", response.pk)],
        }
        if response.session_id:
            common["encounter"] = self.ref("Encounter", response.session_id)
        loinc_total = instrument.loinc_total if instrument else None
        if loinc_total:
            total_code = {"coding": [{"system": LOINC, "code": loinc_total}]}
        else:
            total_code = self._score_code(f"{response.instrument}-total", f"{short} total score")
        total_code["text"] = f"{short} total score"
        found = [
            {
                "resourceType": "Observation",
                "id": self.id("Observation", f"{response.pk}-total"),
                **common,
                "code": total_code,
                **_number(response.total),
            }
        ]
        for name, part in response.subscales.items():
            words = f"{short} {name} subscale score"
            code = self._score_code(f"{response.instrument}-{name}", words)
            code["text"] = words
            found.append(
                {
                    "resourceType": "Observation",
                    "id": self.id("Observation", f"{response.pk}-{name}"),
                    **common,
                    "code": code,
                    **_number(part["sum"]),
                }
            )
        return found

    def _score_code(self, code: str, display: str) -> dict:
        return {"coding": [{"system": self.scores_system, "code": code, "display": display}]}

    def goal(self, goal, client_user_id: int, levels: list, ratings: list) -> dict:
        """The goal with its scale (`levels`) and the `ratings` of it, oldest first."""
        data = {"resourceType": "Goal", "id": self.id("Goal", goal.pk)}
        extensions = [
            {
                "url": self.extension_url(GAS_LEVEL),
                "extension": [
                    {"url": "level", "valueInteger": level.level},
                    {"url": "description", "valueString": level.text},
                ],
            }
            for level in sorted(levels, key=lambda level: level.level)
        ]
        extensions.append(
            {"url": self.extension_url("goal-attainment-weight"), "valueInteger": goal.weight}
        )
        data["extension"] = extensions
        data["lifecycleStatus"] = GOAL_LIFECYCLE[goal.status]
        achievement = GOAL_ACHIEVEMENT_STATUS.get(goal.status)
        if achievement:
            data["achievementStatus"] = {
                "coding": [{"system": GOAL_ACHIEVEMENT, "code": achievement}]
            }
        data["description"] = {"text": goal.text}
        data["subject"] = self.patient_ref(goal.client_id)
        data["startDate"] = goal.created_at.date().isoformat()
        if goal.closed_at:
            data["statusDate"] = goal.closed_at.date().isoformat()
        if goal.created_by_id == client_user_id:
            data["expressedBy"] = self.patient_ref(goal.client_id)
        if any(level.level == 0 for level in levels):
            data["target"] = [
                {
                    "measure": self._score_code(GAS_LEVEL, "Goal attainment level (-2 to +2)"),
                    "detailInteger": 0,
                }
            ]
        if ratings:
            data["outcomeReference"] = [self.ref("Observation", f"rating-{r.pk}") for r in ratings]
        return data

    def rating_observations(self, goal, ratings: list) -> list[dict]:
        return [
            {
                "resourceType": "Observation",
                "id": self.id("Observation", f"rating-{rating.pk}"),
                "status": "final",
                "code": {
                    **self._score_code(GAS_RATING, "Goal attainment rating (-2 to +2)"),
                    "text": "Goal attainment rating",
                },
                "subject": self.patient_ref(goal.client_id),
                "focus": [self.ref("Goal", goal.pk)],
                "effectiveDateTime": instant(rating.rated_at),
                "performer": [
                    self.patient_ref(goal.client_id) if rating.side == "client" else COUNSELOR
                ],
                "valueInteger": rating.level,
            }
            for rating in ratings
        ]

    def care_plan(self, client_id: int, tasks) -> dict | None:
        """The client's agreed tasks as one plan; None when there are none."""
        if not tasks:
            return None
        goals = list(dict.fromkeys(task.goal_id for task in tasks))
        activities = []
        for task in tasks:
            detail = {
                "status": "in-progress",
                "description": task.text,
                "goal": [self.ref("Goal", task.goal_id)],
            }
            if task.frequency:
                detail["scheduledString"] = task.frequency
            activities.append({"detail": detail})
        return {
            "resourceType": "CarePlan",
            "id": self.id("CarePlan", client_id),
            "status": "active",
            "intent": "plan",
            "title": "Tasks agreed between sessions",
            "subject": self.patient_ref(client_id),
            "goal": [self.ref("Goal", goal_id) for goal_id in goals],
            "activity": activities,
        }


def _unknown(code: str) -> Instrument:
    return Instrument(
        code=code,
        name=code,
        version="",
        citation="",
        licence="",
        respondent="",
        perspective="",
        stem="",
        items=(),
    )


def _number_answer(value) -> dict:
    if isinstance(value, int) and not isinstance(value, bool):
        return {"valueInteger": value}
    return {"valueDecimal": value}
