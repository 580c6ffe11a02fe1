"""The period a progress page, timeline or report covers, from `?from=` and `?to=`.

Both ends are optional and inclusive, written YYYY-MM-DD (what a date input sends). The same
rules serve the pages (a message beside the field) and the API (a 422 naming the parameter).
"""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from alliance.errors import Invalid, ServiceError, show_on_form

# Far enough apart for any real record, near enough that a day after the end and the time
# zone's oldest offsets stay inside what the date and time types hold.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)
MAX_LENGTH = 30
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


FIELD_NAMES = {"from": "start date", "to": "end date"}


def format_message(field: str) -> str:
    return f"Enter the {FIELD_NAMES[field]} as YYYY-MM-DD, for example 2026-01-31."


def parse_day(raw, field: str) -> datetime.date | None:
    """A YYYY-MM-DD date or None for an empty value; `Invalid` (naming the query parameter)
    for anything else."""
    if raw is None:
        return None
    raw = str(raw).strip()
    if not raw:
        return None
    name = FIELD_NAMES[field]
    try:
        # fromisoformat alone would also take 20260131 and week dates such as 2026-W05-1.
        if not ISO_DAY.fullmatch(raw):
            raise ValueError
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise Invalid(format_message(field), field=field, location="query") from None
    if not EARLIEST <= day <= LATEST:
        raise Invalid(
            f"Enter a {name} between the years 1900 and 2999.", field=field, location="query"
        )
    return day


@dataclass(frozen=True)
class Period:
    start: datetime.date | None = None
    end: datetime.date | None = None

    @classmethod
    def parse(cls, raw_from, raw_to) -> "Period":
        start, end = parse_day(raw_from, "from"), parse_day(raw_to, "to")
        if start and end and start > end:
            raise Invalid("The end date is before the start date.", field="to", location="query")
        return cls(start, end)

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None

    def contains(self, day: datetime.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def moments(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The period as [first moment, first moment after it) in the site's time zone."""
        low = high = None
        if self.start:
            low = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))
        if self.end:
            after = self.end + datetime.timedelta(days=1)
            high = timezone.make_aware(datetime.datetime.combine(after, datetime.time.min))
        return low, high

    def filter_moment(self, queryset, field: str):
        low, high = self.moments()
        if low:
            queryset = queryset.filter(**{f"{field}__gte": low})
        if high:
            queryset = queryset.filter(**{f"{field}__lt": high})
        return queryset

    def filter_day(self, queryset, field: str):
        if self.start:
            queryset = queryset.filter(**{f"{field}__gte": self.start})
        if self.end:
            queryset = queryset.filter(**{f"{field}__lte": self.end})
        return queryset

    def query(self) -> str:
        """The period as a query string, for links that keep it."""
        parts = []
        if self.start:
            parts.append(f"from={self.start.isoformat()}")
        if self.end:
            parts.append(f"to={self.end.isoformat()}")
        return "&".join(parts)

    def words(self) -> str:
        def day(d):
            return f"{d.day} {d:%B %Y}"

        if self.start and self.end:
            return f"{day(self.start)} to {day(self.end)}"
        if self.start:
            return f"from {day(self.start)}"
        if self.end:
            return f"up to {day(self.end)}"
        return "all dates"


class PeriodForm(forms.Form):
    """The period chooser on the pages; the fields are named as the query parameters."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=MAX_LENGTH,
                error_messages={"max_length": format_message(name)},
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        self.period = Period()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.period = Period.parse(data.get("from"), data.get("to"))
        except ServiceError as error:
            show_on_form(self, error)
        return data

    def field_list(self):
        # "from" cannot be looked up in a template (form.from is a syntax error there).
        return [self["from"], self["to"]]


def period_from_request(request) -> tuple[PeriodForm, bool]:
    """The form bound to `?from=&to=`, and whether the period it names is usable."""
    form = PeriodForm(request.GET if ("from" in request.GET or "to" in request.GET) else None)
    if not form.is_bound:
        return form, True
    return form, form.is_valid()
