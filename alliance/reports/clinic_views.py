"""The clinic page (supervisors and administrators) and "my practice" (each counselor): the
clinic figures for a period as charts, each with its table, a CSV download and the definitions.

The figures come from `analytics`; this module draws them and puts them into words.
"""

import datetime
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.measures.instruments import ALLIANCE_FORM, find
from alliance.reports import analytics, charts
from alliance.reports.models import ITEMS, SUBSCALES
from alliance.reports.ranges import Period, PeriodForm, period_from_request

TOO_FEW = "too few to say"
PART_WORDS = {"goal": "goals", "task": "tasks", "bond": "bond"}
BAR_NAMES = {"goal": "Goals", "task": "Tasks", "bond": "Bond"}
# WAI-SR totals run from 12 to 60; a PHQ-9 change from -27 to +27.
ALLIANCE_RANGE = (12, 60)
CHANGE_RANGE = (-27, 27)


def percent(rate) -> str:
    return TOO_FEW if rate is None else f"{round(rate * 100)}%"


def count(value) -> str:
    return TOO_FEW if value is None else str(value)


def signed(value) -> str:
    return TOO_FEW if value is None else f"{value:+.2f}".replace("-", "\u2212")


def size(value) -> str:
    return TOO_FEW if value is None else f"{value:.2f}"


def _r(value: float) -> str:
    return f"{value:.2f}".replace("-", "\u2212")


def link_words(link: dict) -> str:
    if link["r"] is None:
        return f"{TOO_FEW} (n = {link['n']})"
    low, high = link["ci95"]
    return f"r = {_r(link['r'])}, 95% interval {_r(low)} to {_r(high)}, n = {link['n']}"


def last_twelve_months(today: datetime.date) -> Period:
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return Period(datetime.date(year, month, 1), today)


@dataclass
class Page:
    scope: analytics.Scope
    period: Period
    result: dict
    months: list = field(default_factory=list)
    recovery_chart: charts.Chart | None = None
    scatter: charts.Chart | None = None
    gaps_chart: charts.Chart | None = None
    counselor_rows: list = field(default_factory=list)
    accuracy_rows: list = field(default_factory=list)
    item_rows: list = field(default_factory=list)
    readings: list = field(default_factory=list)


def recovery_chart(months: list[dict]) -> charts.Chart | None:
    if not months:
        return None
    series = []
    for name, key in (
        ("Recovery rate", "recovery_rate"),
        ("Reliable improvement rate", "reliable_improvement_rate"),
    ):
        points = tuple(
            charts.Point(month["start"], month[key] * 100)
            for month in months
            if month[key] is not None
        )
        series.append(charts.Series(name, points))
    chart = charts.line_chart(
        chart_id="recovery-by-month",
        title="Recovery and reliable improvement, month by month",
        series=series,
        y_min=0,
        y_max=100,
        y_label="% of paired clients",
        start=months[0]["start"],
        end=months[-1]["start"],
        explanation=(
            "Each month counts the paired clients whose last measured session up to the end of "
            "that month fell in it. Months with too few clients to say are left out of the "
            "lines; the table shows them."
        ),
    )
    chart.columns = [
        "Month",
        "Paired clients",
        "Case at the start",
        "Recovery rate",
        "Reliable improvement rate",
        "Reliable deterioration rate",
    ]
    chart.rows = [
        [
            f"{month['start']:%b %Y}",
            str(month["paired"]),
            count(month["caseness_start"]),
            percent(month["recovery_rate"]),
            percent(month["reliable_improvement_rate"]),
            percent(month["reliable_deterioration_rate"]),
        ]
        for month in months
    ]
    return chart


def scatter_chart(people: list[analytics.Person], link: dict) -> charts.Chart | None:
    points = [(p.alliance, p.depression_change) for p in people if p.alliance is not None]
    if link["r"] is None:
        return None
    return charts.scatter_chart(
        chart_id="alliance-outcome",
        title=f"Early alliance and change in mood ({link_words(link)})",
        points=points,
        x_range=ALLIANCE_RANGE,
        y_range=CHANGE_RANGE,
        x_label="Mean of the first three alliance totals (WAI-SR, 12 to 60)",
        y_label="PHQ-9 change",
        columns=["Early alliance (mean WAI-SR total)", "PHQ-9 change (last minus first)"],
        references=(charts.Reference(0, "No change"),),
        explanation=(
            "One point per paired client with an alliance check-in. Below the line the client's "
            "PHQ-9 fell (better). A negative r means clients who rated the alliance higher early "
            "on tended to improve more; it is a correlation in this clinic, not proof of cause."
        ),
    )


def gaps_chart(accuracy: list[dict]) -> charts.Chart | None:
    if not accuracy:
        return None
    return charts.bar_chart(
        chart_id="prediction-gaps",
        title="Prediction gap by part of the alliance (predicted minus the client's own)",
        groups=[a["name"] for a in accuracy],
        bars=[BAR_NAMES[name] for name in SUBSCALES],
        values=[[a["subscales"][name]["mean_gap"] for name in SUBSCALES] for a in accuracy],
        x_label="Mean gap in subscale points (4 to 20 scale)",
        missing=TOO_FEW,
        explanation=(
            "Above zero: the counselor expected a stronger alliance than their clients reported; "
            "below zero: weaker."
        ),
    )


def readings(accuracy: dict) -> list[str]:
    """A counselor's gaps in words, e.g. that they expect more agreement on tasks."""
    words = []
    for name in SUBSCALES:
        gap = accuracy["subscales"][name]["mean_gap"]
        if gap is None:
            continue
        part = PART_WORDS[name]
        if gap > 0:
            words.append(
                f"On {part} you expected on average {charts.number(round(gap, 1))} points more "
                "than your clients reported."
            )
        elif gap < 0:
            words.append(
                f"On {part} you expected on average {charts.number(round(-gap, 1))} points less "
                "than your clients reported."
            )
        else:
            words.append(f"On {part} your predictions matched your clients on average.")
    return words


def build(scope: analytics.Scope, period: Period, today: datetime.date) -> Page:
    result, people = analytics.figures_and_people(scope, period)
    page = Page(scope, period, result)
    page.months = analytics.by_month(scope, period, today=today)
    page.recovery_chart = recovery_chart(page.months)
    page.scatter = scatter_chart(people, result["alliance_outcome"])
    page.gaps_chart = gaps_chart(result["prediction_accuracy"])
    groups = [("Everyone" if scope.counselor is None else "Your clients", None, result)]
    if scope.counselor is None:
        groups += [(b["name"], b["counselor_id"], b) for b in result["by_counselor"]]
    page.counselor_rows = [
        {
            "name": name,
            "counselor_id": pk,
            "cells": [
                str(block["paired"]),
                count(block["caseness_start"]),
                percent(block["recovery_rate"]),
                percent(block["reliable_recovery_rate"]),
                percent(block["reliable_improvement_rate"]),
                percent(block["reliable_deterioration_rate"]),
                link_words(block["alliance_outcome"]),
            ],
        }
        for name, pk, block in groups
    ]
    page.accuracy_rows = [
        {
            "name": a["name"],
            "cells": [
                str(a["clients"]),
                str(a["sessions"]),
                signed(a["mean_gap"]),
                size(a["mean_abs_gap"]),
                *(signed(a["subscales"][name]["mean_gap"]) for name in SUBSCALES),
            ],
        }
        for a in result["prediction_accuracy"]
    ]
    if scope.counselor is not None and result["prediction_accuracy"]:
        own = result["prediction_accuracy"][0]
        form = find(ALLIANCE_FORM)
        texts = {item.id: item.render("your counselor") for item in form.items} if form else {}
        page.item_rows = [
            {
                "text": texts.get(item, item),
                "gap": signed(own["items"][item]["mean_gap"]),
                "size": size(own["items"][item]["mean_abs_gap"]),
            }
            for item in ITEMS
        ]
        page.readings = readings(own)
    return page


def figures_page(request, scope, *, page_name: str, csv_name: str, template: str):
    form, usable = period_from_request(request)
    today = timezone.localdate()
    if usable and form.is_bound:
        period = form.period
    else:
        period = last_twelve_months(today)
        if not form.is_bound:
            form = PeriodForm(initial={"from": period.start, "to": period.end})
    page = build(scope, period, today)
    analytics.record_read(request, scope, period, "clinic outcomes page")
    query = period.query()
    if scope.counselor is not None and request.user.is_clinic_wide:
        query = "&".join(filter(None, [query, f"counselor_id={scope.counselor.pk}"]))
    context = {
        "page": page,
        "form": form,
        "period": period,
        "page_url": reverse(page_name),
        "csv_url": reverse(csv_name) + (f"?{query}" if query else ""),
        "definitions": analytics.DEFINITIONS,
        "counselor_id": scope.counselor.pk if scope.counselor else None,
        "clinic_page": request.user.is_clinic_wide,
    }
    return render(request, template, context, status=200 if usable else 422)


def csv_download(request, scope):
    form, usable = period_from_request(request)
    if not usable:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    period = form.period if form.is_bound else last_twelve_months(timezone.localdate())
    result = analytics.figures(scope, period)
    analytics.record_read(request, scope, period, "clinic outcomes CSV")
    response = HttpResponse(analytics.as_csv(result), content_type="text/csv; charset=utf-8")
    filename = analytics.csv_filename(scope, period)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(Role.SUPERVISOR, Role.ADMIN)
def clinic_outcomes(request):
    scope = analytics.scope_for(request.user, request.GET.get("counselor_id") or None)
    return figures_page(
        request,
        scope,
        page_name="clinic_outcomes",
        csv_name="clinic_outcomes_csv",
        template="reports/clinic_outcomes.html",
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
def clinic_outcomes_csv(request):
    scope = analytics.scope_for(request.user, request.GET.get("counselor_id") or None)
    return csv_download(request, scope)


@role_required(Role.COUNSELOR)
def my_practice(request):
    return figures_page(
        request,
        analytics.scope_for(request.user),
        page_name="my_practice",
        csv_name="my_practice_csv",
        template="reports/clinic_outcomes.html",
    )


@role_required(Role.COUNSELOR)
def my_practice_csv(request):
    return csv_download(request, analytics.scope_for(request.user))
