"""A client's progress, as one person may see it, over one period: the pictures and the words.

Outcome measures over time with their caseness line and bands, the person's outcome over mood
and anxiety together where its definition holds, the alliance from both sides, goal
attainment, tasks done, and the milestones reached, each stated plainly. Every number comes
from the stored scores or from `alliance.psychometrics`; nothing here redoes the maths.

Change is counted from the first measured session of the course of care, whatever the period:
a period only chooses what is shown and where "now" is (`outcomes`). The client's copy uses
everyday words (no instrument codes, "caseness" or "T-score"); the counselor's keeps the
technical names, each with its explanation beside it.

What is read goes through each model's access rule (`visible_to`); for check-ins that rule
holds a counselor's prediction lock and a clinic's choice to hide predictions from clients
(`measures.lock`), so they hold here too. The number of queries does not grow with the length
of the history.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from alliance.alerts.comparison import first_name
from alliance.care.models import Attendance, Client, Session
from alliance.goals import attainment
from alliance.goals.models import LEVEL_NAMES, Goal, GoalStatus, Rating, Side, level_label
from alliance.homework.models import LogStatus, TaskLog
from alliance.measures.instruments import (
    ALLIANCE_FORM,
    OUTCOME_FORMS,
    PREDICTION_FORM,
    all_instruments,
    plain_name,
    plain_title,
    title,
)
from alliance.measures.models import Response
from alliance.psychometrics import Instrument, classify_change, gas_t_score
from alliance.reports import charts, outcomes
from alliance.reports.ranges import Period

PART_NAMES = {"goal": "Agreement on goals", "task": "Agreement on tasks", "bond": "Bond"}


def long_day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


# Until `_draw` runs, each chart is held as its `charts.line_chart` arguments (a dict).
ChartOrSpec = charts.Chart | dict | None


@dataclass
class Outcome:
    code: str
    title: str
    chart: ChartOrSpec
    latest: str
    change: str = ""


@dataclass
class Course:
    """The person's outcome over the depression and anxiety questionnaires together."""

    sentences: list[str]
    recovered: bool | None


@dataclass
class Milestone:
    day: datetime.date
    text: str


@dataclass
class Progress:
    client: Client
    for_client: bool
    period: Period
    outcomes: list[Outcome] = field(default_factory=list)
    course: Course | None = None
    alliance: ChartOrSpec = None
    alliance_parts: ChartOrSpec = None
    attainment: ChartOrSpec = None
    goals: list[dict] = field(default_factory=list)
    tasks: ChartOrSpec = None
    task_rows: list[dict] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def attended(self) -> int:
        return sum(1 for s in self.sessions if s.attendance == Attendance.ATTENDED)

    def all_charts(self) -> list[charts.Chart]:
        """Every chart drawn, in the order the page shows them."""
        found = [outcome.chart for outcome in self.outcomes]
        found += [self.alliance, self.alliance_parts, self.attainment, self.tasks]
        return [chart for chart in found if isinstance(chart, charts.Chart)]

    @property
    def is_empty(self) -> bool:
        return not (
            self.outcomes or self.alliance or self.attainment or self.tasks or self.sessions
        )


class Voice:
    """Who the words are addressed to: the client ("you") or staff (the client by name)."""

    def __init__(self, client: Client, user, for_client: bool, for_record: bool = False):
        self.for_client = for_client
        self.client_first = first_name(client.name)
        self.counselor_first = first_name(client.counselor.name)
        # A document for the record names everyone, whoever printed it.
        self.is_counselor = client.is_own_counselor(user) and not for_record

    @property
    def whose(self) -> str:
        return "your" if self.for_client else f"{self.client_first}'s"

    def name(self, instrument: Instrument) -> str:
        """A form's name: what it asks about for the client, with its abbreviation for staff."""
        return plain_title(instrument) if self.for_client else title(instrument)

    def side(self, side: str) -> str:
        """Whose rating or answer this is, as the reader says it."""
        if side == Side.CLIENT:
            return "You" if self.for_client else self.client_first
        return "You" if self.is_counselor else self.counselor_first


def build(
    client: Client, user, period: Period, *, for_client: bool, for_record: bool = False
) -> Progress:
    voice = Voice(client, user, for_client, for_record)
    progress = Progress(client=client, for_client=for_client, period=period)
    instruments = all_instruments()
    responses = _responses(client, user, period)

    shown = set()
    for code, instrument in sorted(instruments.items(), key=lambda item: _outcome_order(item[0])):
        if instrument.caseness is None and not instrument.bands:
            continue
        if instrument.respondent != "client" or instrument.pairs_with:
            continue
        found = [r for r in responses if r["instrument"] == code]
        if found:
            baseline = outcomes.first_of_course(client, user, code)
            progress.outcomes.append(_outcome(instrument, found, baseline, voice, progress))
            shown.add(code)
    if any(code in shown for code in OUTCOME_FORMS):
        progress.course = _course(client, user, period, voice, progress)

    client_form = instruments.get(ALLIANCE_FORM)
    if client_form is not None:
        answered = [r for r in responses if r["instrument"] == ALLIANCE_FORM]
        predicted = [r for r in responses if r["instrument"] == PREDICTION_FORM]
        if answered or predicted:
            progress.alliance = _alliance(client_form, answered, predicted, voice)
            shown.update({ALLIANCE_FORM, PREDICTION_FORM} if predicted else {ALLIANCE_FORM})
        if answered and client_form.subscales:
            progress.alliance_parts = _alliance_parts(client_form, answered, voice)
    progress.notices = [
        _notice(instruments[code], voice)
        for code in instruments
        if code in shown and code != PREDICTION_FORM
    ]

    _attainment(client, user, period, voice, progress)
    _tasks(client, user, period, progress)
    progress.sessions = list(
        period.filter_day(Session.objects.visible_to(user).filter(client=client), "date").order_by(
            "date", "id"
        )
    )
    progress.milestones.sort(key=lambda m: m.day)
    _draw(progress, period)
    return progress


def _outcome_order(code: str) -> tuple[int, str]:
    """PHQ-9 first, then GAD-7 (the order services report them in), then any others."""
    known = ["phq9", "gad7"]
    return (known.index(code) if code in known else len(known), code)


def _draw(progress: Progress, period: Period) -> None:
    """Draw every chart on one date axis, so the pictures line up one under another.

    Until here each chart is the arguments for `charts.line_chart`; the axis runs from the
    period's start (or the first thing recorded) to its end (or today, or the last thing
    recorded if that is later).
    """
    holders = [(outcome, "chart") for outcome in progress.outcomes]
    holders += [(progress, name) for name in ("alliance", "alliance_parts", "attainment", "tasks")]
    specs = [(holder, name, getattr(holder, name)) for holder, name in holders]
    specs = [(holder, name, spec) for holder, name, spec in specs if spec is not None]
    days = [p.day for _, _, spec in specs for s in spec["series"] for p in s.points]
    days += [session.date for session in progress.sessions]
    if not days:
        return
    start = period.start or min(days)
    end = period.end or max([timezone.localdate(), *days])
    for holder, name, spec in specs:
        setattr(holder, name, charts.line_chart(**spec, start=start, end=end))


# --- Check-ins -------------------------------------------------------------------------------


def _responses(client, user, period: Period) -> list[dict]:
    """The check-ins `user` may see in the period, oldest first, each dated by its session
    (or by when it was answered, for one not tied to a session)."""
    queryset = Response.objects.visible_to(user).filter(client=client)
    low, high = period.moments()
    if period.start or period.end:
        by_session, by_moment = Q(session__isnull=False), Q(session__isnull=True)
        if period.start:
            by_session &= Q(session__date__gte=period.start)
            by_moment &= Q(submitted_at__gte=low)
        if period.end:
            by_session &= Q(session__date__lte=period.end)
            by_moment &= Q(submitted_at__lt=high)
        queryset = queryset.filter(by_session | by_moment)
    rows = list(
        queryset.values(
            "id", "instrument", "total", "band", "subscales", "session__date", "submitted_at"
        )
    )
    for row in rows:
        row["day"] = row["session__date"] or timezone.localdate(row["submitted_at"])
    rows.sort(key=lambda row: (row["day"], row["submitted_at"], row["id"]))
    return rows


def _bands(instrument: Instrument) -> tuple[charts.Band, ...]:
    bands = sorted(instrument.bands, key=lambda b: b.min)
    out = []
    for index, band in enumerate(bands):
        top = bands[index + 1].min if index + 1 < len(bands) else band.max + 1
        out.append(charts.Band(band.min, top, band.label))
    return tuple(out)


def _notice(instrument: Instrument, voice: Voice) -> tuple[str, str]:
    if voice.for_client:
        return plain_title(instrument), f"{plain_name(instrument)}. {instrument.licence}"
    return title(instrument), instrument.licence


def _caseness_words(instrument: Instrument, voice: Voice) -> tuple[str, str]:
    """The caseness line's label on the chart, and what it means in a sentence."""
    caseness = instrument.caseness
    cutoff = charts.number(caseness.cutoff)
    label = f"Treatment level: {cutoff}" if voice.for_client else f"Caseness line: {cutoff}"
    if caseness.direction == "at_or_above":
        return (
            label,
            f"Scores of {cutoff} or more (on or above the dashed line) are at the level "
            "services usually offer treatment for.",
        )
    return (
        label,
        f"Scores below {cutoff} (under the dashed line) are at the level services usually "
        "offer treatment for.",
    )


def _better(instrument: Instrument) -> str:
    rc = instrument.reliable_change
    if rc is None:
        return ""
    return "Lower is better." if rc.improvement == "decrease" else "Higher is better."


def _outcome(instrument, found, baseline, voice: Voice, progress: Progress) -> Outcome:
    """The outcome's words now; its chart as arguments, drawn once the axis is known.

    `found` are the check-ins in the period (the last is "now"); `baseline` is the first of the
    whole course of care, which change is counted from."""
    heading = voice.name(instrument)
    references, explanation = (), _better(instrument)
    if instrument.caseness is not None:
        label, meaning = _caseness_words(instrument, voice)
        references = (charts.Reference(instrument.caseness.cutoff, label),)
        explanation = f"{explanation} {meaning}".strip()
    points = tuple(charts.Point(r["day"], r["total"], r["band"]) for r in found)
    chart = dict(
        chart_id=f"chart-{instrument.code}",
        title=f"{heading} over time",
        series=[charts.Series("Total score", points, note_heading="Range")],
        y_min=instrument.min_total,
        y_max=instrument.max_total,
        y_label="Total score",
        references=references,
        bands=_bands(instrument),
        explanation=explanation,
    )
    last = found[-1]
    latest = f"Latest: {charts.number(last['total'])} on {long_day(last['day'])}"
    if last["band"]:
        latest += f", in the {last['band'].lower()} range"
    if instrument.caseness is not None:
        cutoff = charts.number(instrument.caseness.cutoff)
        line = f"the dashed line at {cutoff}" if voice.for_client else f"caseness line {cutoff}"
        if instrument.caseness.applies(last["total"]):
            latest += f", in the range services usually treat ({line})"
        else:
            latest += f", outside the range services usually treat ({line})"
    outcome = Outcome(instrument.code, heading, chart, latest + ".")
    first = baseline if baseline is not None else found[0]
    if first["id"] != last["id"] and instrument.caseness and instrument.reliable_change:
        before_period = progress.period.start and first["day"] < progress.period.start
        outcome.change = _change(
            instrument, first, last, heading, voice, progress, before_period=bool(before_period)
        )
    return outcome


def _change(
    instrument, first, last, heading, voice: Voice, progress: Progress, *, before_period: bool
) -> str:
    try:
        result = classify_change(instrument, _score(first["total"]), _score(last["total"]))
    except ValueError:
        return ""  # a score stored under an older definition: no fair comparison
    size = charts.number(instrument.reliable_change.size)
    change = result["change"]
    points = "point" if abs(change) == 1 else "points"
    moved = (
        f"{'Down' if change < 0 else 'Up'} {charts.number(abs(change))} {points}"
        if change
        else "No change"
    )
    span = (
        f"{moved} from {charts.number(first['total'])} on {long_day(first['day'])} to "
        f"{charts.number(last['total'])} on {long_day(last['day'])}."
    )
    if before_period:
        span += (
            f" Counted since {voice.whose} first check-in on {long_day(first['day'])}, before "
            "these dates: change is always counted from the start of the work."
        )
    if result["reliable"] == "improved":
        sentence = (
            f"{span} A change of {size} or more is bigger than this questionnaire's usual ups "
            "and downs: this is reliable improvement."
        )
        progress.milestones.append(
            Milestone(
                last["day"],
                f"Reliable improvement in {heading}: {moved.lower()}, from "
                f"{charts.number(first['total'])} to {charts.number(last['total'])}.",
            )
        )
    elif result["reliable"] == "deteriorated":
        talk = (
            f"It may help to talk about it with {voice.counselor_first}."
            if voice.for_client
            else "Worth talking over together."
        )
        sentence = (
            f"{span} A change of {size} or more is bigger than this questionnaire's usual ups "
            f"and downs: this is reliable deterioration. {talk}"
        )
    else:
        sentence = (
            f"{span} That is within this questionnaire's usual ups and downs (a reliable "
            f"change is {size} points or more)."
        )
    if result["in_clinical_range_first"] and not result["in_clinical_range_last"]:
        # A fact about this questionnaire alone. Recovery is a person's outcome over the
        # depression and anxiety questionnaires together (`_course`), not decided here.
        cutoff = charts.number(instrument.caseness.cutoff)
        sentence += (
            f" It started at or above this questionnaire's cut-off ({cutoff}) and is now below it."
        )
    return sentence


def _course(client, user, period: Period, voice: Voice, progress: Progress) -> Course | None:
    """The person's outcome over mood and anxiety together, from the first measured session
    with both to the last up to the period's end; None where the definition does not hold
    (fewer than two such sessions)."""
    found = outcomes.outcome(client, user, until=period.end)
    if not found["available"]:
        return None
    depression, anxiety = OUTCOME_FORMS
    first, last = found["first"], found["last"]
    words = _course_for_client if voice.for_client else _course_for_staff
    sentences = words(found, first, last, voice, depression, anxiety)
    if found["recovered"] and period.contains(last["date"]):
        who = "your" if voice.for_client else f"{voice.client_first}'s"
        progress.milestones.append(
            Milestone(
                last["date"],
                f"Recovery, by the NHS Talking Therapies definition: {who} mood and anxiety "
                "check-ins together started at a level services usually treat and are both "
                "below it now.",
            )
        )
    return Course(sentences, found["recovered"])


def _course_for_client(found, first, last, voice, depression, anxiety) -> list[str]:
    sentences = [
        f"Your mood and anxiety check-ins together, from your first session with both "
        f"({long_day(first['date'])}: mood {first[depression]}, anxiety {first[anxiety]}) to "
        f"the latest ({long_day(last['date'])}: mood {last[depression]}, anxiety "
        f"{last[anxiety]})."
    ]
    if not found["caseness_start"]:
        sentences.append(
            "You started below the level services usually offer treatment for on both, so "
            "recovery, as services define it, does not apply."
        )
    elif found["recovered"]:
        sentences.append(
            "You started at a level services usually offer treatment for, and both are now "
            "below it: by the NHS Talking Therapies definition, this counts as recovery."
        )
    else:
        sentences.append(
            "You started at a level services usually offer treatment for, and at least one of "
            "the two is still at that level."
        )
    if found["reliable_improvement"]:
        sentences.append(
            "At least one has improved by more than its usual ups and downs, and neither has "
            "got reliably worse: that is reliable improvement."
        )
    elif found["reliable_deterioration"]:
        sentences.append(
            "At least one has got worse by more than its usual ups and downs, and neither has "
            f"improved that much. It may help to talk about it with {voice.counselor_first}."
        )
    else:
        sentences.append(
            "Taken together, the change is within their usual ups and downs (or one improved "
            "while the other got worse)."
        )
    return sentences


def _course_for_staff(found, first, last, voice, depression, anxiety) -> list[str]:
    sentences = [
        "PHQ-9 and GAD-7 together, by the NHS Talking Therapies definitions, from the first "
        f"measured session with both ({long_day(first['date'])}: PHQ-9 {first[depression]}, "
        f"GAD-7 {first[anxiety]}) to the latest up to these dates ({long_day(last['date'])}: "
        f"PHQ-9 {last[depression]}, GAD-7 {last[anxiety]})."
    ]
    if not found["caseness_start"]:
        sentences.append(
            "Not a case at the start (below the cut-off on both), so recovery does not apply."
        )
    elif found["recovered"]:
        recovery = "Reliable recovery" if found["reliable_recovery"] else "Recovered"
        sentences.append(
            f"{recovery}: a case at the start (at or above the cut-off on either), below the "
            "cut-off on both now."
        )
    else:
        sentences.append(
            "A case at the start (at or above the cut-off on either), and still at or above "
            "the cut-off on at least one: not recovered."
        )
    if found["reliable_improvement"]:
        sentences.append(
            "Reliable improvement: a reliable improvement on at least one, a reliable "
            "deterioration on neither."
        )
    elif found["reliable_deterioration"]:
        sentences.append(
            "Reliable deterioration: a reliable deterioration on at least one, a reliable "
            "improvement on neither. Worth talking over together."
        )
    else:
        sentences.append("Neither reliable improvement nor reliable deterioration.")
    return sentences


def _score(total: float):
    return int(total) if float(total).is_integer() else total


def _alliance(client_form, answered, predicted, voice: Voice) -> dict:
    own = charts.Series(
        "Your answers" if voice.for_client else f"{voice.client_first}'s answers",
        tuple(charts.Point(r["day"], r["total"]) for r in answered),
    )
    if voice.for_client:
        expected_name = f"What {voice.counselor_first} expected"
    elif voice.is_counselor:
        expected_name = "Your prediction"
    else:
        expected_name = f"{voice.counselor_first}'s prediction"
    expected = charts.Series(
        expected_name, tuple(charts.Point(r["day"], r["total"]) for r in predicted)
    )
    low, high = charts.number(client_form.min_total), charts.number(client_form.max_total)
    return dict(
        chart_id="chart-alliance",
        title=f"{voice.name(client_form)} over time",
        series=[own, expected],
        y_min=client_form.min_total,
        y_max=client_form.max_total,
        y_label="Total score",
        explanation=(
            f"Totals from {low} to {high}; higher means a stronger working alliance. No "
            "published cut-off marks a good alliance, and answers tend to sit near the top, "
            "so a drop from earlier answers says more than the number itself."
        ),
    )


def _alliance_parts(client_form, answered, voice: Voice) -> dict:
    series = []
    for sub in client_form.subscales:
        points = tuple(
            charts.Point(r["day"], r["subscales"][sub.name]["mean"])
            for r in answered
            if isinstance(r["subscales"].get(sub.name), dict)
            and r["subscales"][sub.name].get("mean") is not None
        )
        series.append(charts.Series(PART_NAMES.get(sub.name, sub.name.capitalize()), points))
    lowest = min(item.lowest for item in client_form.items)
    highest = max(item.highest for item in client_form.items)
    return dict(
        chart_id="chart-alliance-parts",
        title=f"The three parts of working together, in {voice.whose} answers",
        series=series,
        y_min=lowest,
        y_max=highest,
        y_label="Average answer" if voice.for_client else "Item mean",
        explanation=(
            f"The average answer to each part's four statements, from "
            f"{charts.number(lowest)} (seldom) to {charts.number(highest)} (always)."
        ),
    )


# --- Goals and tasks -------------------------------------------------------------------------


def _attainment(client, user, period: Period, voice: Voice, progress: Progress) -> None:
    summary = attainment.summary(client)
    goals = summary["goals"]
    progress.goals = [
        {
            "text": goal["text"],
            "status": GoalStatus(goal["status"]).label,
            "sides": [
                (
                    voice.side(side),
                    _level_words(goal[side]["level"]) if goal[side] else "Not rated yet",
                )
                for side in Side.values
            ],
        }
        for goal in goals
    ]
    if goals:
        history = [h for h in summary["history"] if period.contains(h["date"])]
        series = [
            charts.Series(
                _rated_by(voice, side),
                tuple(charts.Point(h["date"], h[side]) for h in history if h[side] is not None),
            )
            for side in Side.values
        ]
        weights = [goal["weight"] for goal in goals]
        low = gas_t_score([-2] * len(goals), weights)
        high = gas_t_score([2] * len(goals), weights)
        values = [p.value for s in series for p in s.points]
        low, high = min([low, *values]), max([high, *values])
        if any(s.points for s in series):
            progress.attainment = dict(
                chart_id="chart-attainment",
                title=(
                    "How your goals are going, over time"
                    if voice.for_client
                    else "Goal attainment (GAS T-score) over time"
                ),
                series=series,
                y_min=10 * (low // 10),
                y_max=10 * -(-high // 10),
                y_label="Goal score" if voice.for_client else "T-score",
                references=(charts.Reference(50, "50: goals at the expected level"),),
                explanation=_attainment_words([goal["text"] for goal in goals], voice),
            )
    _goal_milestones(client, user, period, voice, progress, [goal["id"] for goal in goals])


def _attainment_words(texts: list[str], voice: Voice) -> str:
    """Which goals the score is over, said every time: never "all goals" when it is not."""
    named = ", ".join(f"“{text}”" for text in texts)
    if voice.for_client:
        over = (
            f"one person's latest rating of this goal: {named}."
            if len(texts) == 1
            else f"one person's latest rating of each of these {len(texts)} goals that they "
            f"have rated, weighing each by how much it matters: {named}."
        )
        return (
            f"Each line is {over} Goals without levels written together, and goals set aside, "
            "are not counted. 50 means the rated goals are where you expected them to be; "
            "above 50, better than expected."
        )
    over = (
        f"the GAS T-score of this goal, at that side's latest rating: {named}."
        if len(texts) == 1
        else f"one side's GAS T-score over these {len(texts)} goals with a scale (those that "
        f"side has rated, at their latest rating, weighted): {named}."
    )
    return (
        f"Each line is {over} Goals without a scale, and retired goals, are not counted. 50 "
        "means the rated goals are at their expected level; above 50, better than expected."
    )


def _rated_by(voice: Voice, side: str) -> str:
    who = voice.side(side)
    return "Your ratings" if who == "You" else f"{who}'s ratings"


def _level_words(level: int) -> str:
    return f"{level_label(level)}, {LEVEL_NAMES[level].lower()}"


def _goal_milestones(client, user, period, voice: Voice, progress: Progress, goal_ids) -> None:
    texts = {}
    if goal_ids:
        ratings = Rating.objects.visible_to(user).filter(goal_id__in=goal_ids)
        ratings = period.filter_moment(ratings, "rated_at").order_by("rated_at", "id")
        best: dict[int, tuple] = {}
        for rating in ratings.values("goal_id", "goal__text", "side", "level", "rated_at"):
            texts[rating["goal_id"]] = rating["goal__text"]
            if rating["level"] < 0:
                continue
            held = best.get(rating["goal_id"])
            if held is None or rating["level"] > held[0]:
                best[rating["goal_id"]] = (rating["level"], rating["rated_at"], rating["side"])
        for goal_id, (level, at, side) in best.items():
            who = voice.side(side)
            rating = "your rating" if who == "You" else f"{who}'s rating"
            progress.milestones.append(
                Milestone(
                    timezone.localdate(at),
                    f"“{texts[goal_id]}” reached {_level_words(level)} ({rating}).",
                )
            )
    achieved = Goal.objects.visible_to(user).filter(
        client=client, status=GoalStatus.ACHIEVED, closed_at__isnull=False
    )
    for goal in period.filter_moment(achieved, "closed_at").values("text", "closed_at"):
        day = timezone.localdate(goal["closed_at"])
        agreed = "you both agreed" if voice.for_client else "both agreed"
        progress.milestones.append(
            Milestone(day, f"“{goal['text']}” was achieved: {agreed} it was reached.")
        )


def _tasks(client, user, period: Period, progress: Progress) -> None:
    logs = TaskLog.objects.visible_to(user).filter(task__client=client)
    logs = period.filter_moment(logs, "logged_at").order_by("logged_at", "id")
    weeks: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tasks: dict[int, dict] = {}
    for log in logs.values("task_id", "task__text", "status", "logged_at"):
        day = timezone.localdate(log["logged_at"])
        monday = day - datetime.timedelta(days=day.weekday())
        weeks[monday][log["status"]] += 1
        row = tasks.setdefault(
            log["task_id"],
            {"text": log["task__text"], "done": 0, "partly": 0, "not_done": 0, "logs": 0},
        )
        row[log["status"]] += 1
        row["logs"] += 1
    if not weeks:
        return
    progress.task_rows = list(tasks.values())
    ordered = sorted(weeks)
    series = [
        charts.Series(label, tuple(charts.Point(week, weeks[week][status]) for week in ordered))
        for status, label in (
            (LogStatus.DONE, "Done"),
            (LogStatus.PARTLY, "Partly done"),
        )
    ]
    most = max(weeks[w][LogStatus.DONE] + weeks[w][LogStatus.PARTLY] for w in ordered)
    step = charts.nice_step(max(most, 4), most=4)
    progress.tasks = dict(
        chart_id="chart-tasks",
        title="Tasks done each week",
        series=series,
        y_min=0,
        y_max=step * -(-max(most, 4) // step),
        y_label="Times logged",
        explanation="Each point is a week, from Monday: how many logged tasks were done, "
        "and how many partly done.",
    )
