"""Check-in histories laid out for pages: one table per form, newest first."""

from dataclasses import dataclass, field

from alliance.measures.instruments import all_instruments, client_heading, short_name, title
from alliance.measures.models import Response
from alliance.psychometrics import AnswerError, Instrument, compare_views


@dataclass
class Row:
    response: Response
    cells: list
    urgent: bool


@dataclass
class Table:
    code: str
    title: str
    short: str
    columns: list[str]
    # What each column shows: "total", a subscale name (its item mean), or None for the band.
    keys: list[str | None]
    rows: list[Row] = field(default_factory=list)
    more: bool = False


def urgent_flags(instrument: Instrument | None, flags: list[str]) -> list:
    if instrument is None:
        return []
    return [f for f in instrument.flags if f.id in flags and f.severity == "urgent"]


def tables(
    responses, per_instrument: int | None = None, for_client_of: str | None = None
) -> list[Table]:
    """Group responses (newest first) into a table per instrument, in the registry's order.

    `for_client_of` names the counselor when the client is the reader, for the headings.
    """
    instruments = all_instruments()
    found: dict[str, Table] = {}
    for response in responses:
        instrument = instruments.get(response.instrument)
        table = found.get(response.instrument)
        if table is None:
            table = found[response.instrument] = _table(
                response.instrument, instrument, for_client_of
            )
        if per_instrument is not None and len(table.rows) >= per_instrument:
            table.more = True
            continue
        cells = [response.score_total]
        for key in table.keys[1:]:
            if key is None:
                cells.append(response.band or "–")
            else:
                cells.append(response.subscales.get(key, {}).get("mean", "–"))
        table.rows.append(Row(response, cells, bool(urgent_flags(instrument, response.flags))))
    order = list(instruments)
    return sorted(
        found.values(), key=lambda t: order.index(t.code) if t.code in order else len(order)
    )


def _table(code: str, instrument: Instrument | None, for_client_of: str | None) -> Table:
    if instrument is None:
        return Table(code, code, code, ["Total"], ["total"])
    columns, keys = ["Total"], ["total"]
    # A client reads everyday words; staff keep the technical names.
    mean = "average answer" if for_client_of else "item mean"
    for sub in instrument.subscales:
        columns.append(f"{sub.name.capitalize()} ({mean})")
        keys.append(sub.name)
    if instrument.bands:
        columns.append("Range" if for_client_of else "Band")
        keys.append(None)
    heading = client_heading(instrument, for_client_of) if for_client_of else title(instrument)
    return Table(code, heading, short_name(instrument), columns, keys)


def answer_rows(instrument: Instrument, response: Response, names: dict) -> list[dict]:
    """Each item's text with the answer given, for a response's page."""
    rows = []
    for item in instrument.items:
        value = response.answers.get(item.id)
        label = next((o.label for o in item.options if o.value == value), None)
        rows.append({"text": item.render(**names), "value": value, "label": label})
    return rows


def partner(instrument: Instrument) -> Instrument | None:
    """The other view's form: the one this form pairs with, or the one pairing with it."""
    instruments = all_instruments()
    if instrument.pairs_with:
        return instruments.get(instrument.pairs_with)
    return next((i for i in instruments.values() if i.pairs_with == instrument.code), None)


def comparison(instrument: Instrument, response: Response, names: dict, among=None) -> dict | None:
    """Both views of a paired form answered for the same session, side by side.

    `among` is the reader's visible responses: the other view is looked for there only, so
    a reader never sees through the comparison what they may not see directly.
    """
    if response.session_id is None:
        return None
    other_form = partner(instrument)
    if other_form is None:
        return None
    other = (
        (Response.objects if among is None else among)
        .filter(session_id=response.session_id, instrument=other_form.code)
        .first()
    )
    if other is None:
        return None
    if instrument.respondent == "client":
        client_form, client_response, counselor_form, counselor_response = (
            instrument,
            response,
            other_form,
            other,
        )
    else:
        client_form, client_response, counselor_form, counselor_response = (
            other_form,
            other,
            instrument,
            response,
        )
    try:
        compared = compare_views(
            client_form, client_response.answers, counselor_form, counselor_response.answers
        )
    except (AnswerError, ValueError):
        # A definition revised since either response was stored; nothing fair to compare.
        return None
    items = [
        {"text": client_form.item(item_id).render(**names), **values}
        for item_id, values in compared["items"].items()
    ]
    subscales = [
        {"name": name.capitalize(), **values} for name, values in compared["subscales"].items()
    ]
    return {
        "other": other,
        "items": items,
        "subscales": subscales,
        "total": compared["total"],
    }
