"""The shipped definitions agree with the published facts, written out here on purpose."""

import json

import pytest

from alliance.psychometrics import get_instrument, load_instruments, parse_definition
from alliance.psychometrics.registry import SHIPPED_DIR
from alliance.psychometrics.schema import loinc_check_digit

PHQ9 = [
    ("44250-9", "Little interest or pleasure in doing things"),
    ("44255-8", "Feeling down, depressed, or hopeless"),
    ("44259-0", "Trouble falling or staying asleep, or sleeping too much"),
    ("44254-1", "Feeling tired or having little energy"),
    ("44251-7", "Poor appetite or overeating"),
    (
        "44258-2",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
    ),
    (
        "44252-5",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
    ),
    (
        "44253-3",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
    ),
    ("44260-8", "Thoughts that you would be better off dead or of hurting yourself in some way"),
]
GAD7 = [
    ("69725-0", "Feeling nervous, anxious, or on edge"),
    ("68509-9", "Not being able to stop or control worrying"),
    ("69733-4", "Worrying too much about different things"),
    ("69734-2", "Trouble relaxing"),
    ("69735-9", "Being so restless that it is hard to sit still"),
    ("69689-8", "Becoming easily annoyed or irritable"),
    ("69736-7", "Feeling afraid, as if something awful might happen"),
]
FREQUENCY = [
    (0, "Not at all", "LA6568-5"),
    (1, "Several days", "LA6569-3"),
    (2, "More than half the days", "LA6570-1"),
    (3, "Nearly every day", "LA6571-9"),
]
WAI_SR = [
    ("task", "As a result of these sessions I am clearer as to how I might be able to change."),
    ("task", "What I am doing in therapy gives me new ways of looking at my problem."),
    ("bond", "I believe ___ likes me."),
    ("goal", "___ and I collaborate on setting goals for my therapy."),
    ("bond", "___ and I respect each other."),
    ("goal", "___ and I are working towards mutually agreed upon goals."),
    ("bond", "I feel that ___ appreciates me."),
    ("goal", "___ and I agree on what is important for me to work on."),
    (
        "bond",
        "I feel ___ cares about me even when I do things that he/she does not approve of.",
    ),
    (
        "task",
        "I feel that the things I do in therapy will help me to accomplish the changes that I "
        "want.",
    ),
    (
        "goal",
        "___ and I have established a good understanding of the kind of changes that would be "
        "good for me.",
    ),
    ("task", "I believe the way we are working with my problem is correct."),
]
WAI_SCALE = [(1, "Seldom"), (2, "Sometimes"), (3, "Fairly often"), (4, "Very often"), (5, "Always")]
WAI_NOTICE = (
    "© Society for Psychotherapy Research; distributed for clinical and research use from the WAI "
    "website (wai.profhorvath.com); other uses need permission."
)


def test_it_ships_exactly_the_four_instruments():
    assert list(load_instruments()) == ["gad7", "phq9", "wai-sr", "wai-sr-predicted"]


@pytest.mark.parametrize(
    ("code", "panel", "total", "table"),
    [("phq9", "44249-1", "44261-6", PHQ9), ("gad7", "69737-5", "70274-6", GAD7)],
)
def test_it_uses_the_published_loinc_codes_and_texts(code, panel, total, table):
    instrument = get_instrument(code)
    assert (instrument.loinc_panel, instrument.loinc_total) == (panel, total)
    assert instrument.item_ids == tuple(f"{code}_{n}" for n in range(1, len(table) + 1))
    assert [(item.loinc, item.text) for item in instrument.items] == table


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_uses_the_published_answers_and_answer_codes(code):
    for item in get_instrument(code).items:
        assert [(o.value, o.label, o.code) for o in item.options] == FREQUENCY


def test_it_uses_the_published_stems():
    assert get_instrument("phq9").stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert get_instrument("gad7").stem == (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    )


def test_it_passes_the_loinc_check_digit_on_every_reference_code():
    codes = [code for code, _ in PHQ9 + GAD7] + ["44249-1", "44261-6", "69737-5", "70274-6"]
    for code in codes:
        number, digit = code.split("-")
        assert loinc_check_digit(number) == int(digit), code


@pytest.mark.parametrize(
    ("code", "bands"),
    [
        (
            "phq9",
            [
                (0, 4, "Minimal"),
                (5, 9, "Mild"),
                (10, 14, "Moderate"),
                (15, 19, "Moderately severe"),
                (20, 27, "Severe"),
            ],
        ),
        ("gad7", [(0, 4, "Minimal"), (5, 9, "Mild"), (10, 14, "Moderate"), (15, 21, "Severe")]),
    ],
)
def test_it_bands_totals_as_published(code, bands):
    instrument = get_instrument(code)
    assert [(b.min, b.max, b.label) for b in instrument.bands] == bands
    assert instrument.bands_citation


@pytest.mark.parametrize(("code", "cutoff", "size"), [("phq9", 10, 6), ("gad7", 8, 4)])
def test_it_uses_nhs_talking_therapies_caseness_and_reliable_change(code, cutoff, size):
    instrument = get_instrument(code)
    assert instrument.caseness.cutoff == cutoff
    assert instrument.caseness.direction == "at_or_above"
    assert "Talking Therapies" in instrument.caseness.citation
    assert instrument.reliable_change.size == size
    assert instrument.reliable_change.improvement == "decrease"
    assert "Talking Therapies" in instrument.reliable_change.citation


def test_it_flags_phq9_item9_as_urgent_suicide_risk():
    (flag,) = get_instrument("phq9").flags
    assert flag.id == "suicide_risk_item9"
    assert (flag.item, flag.op, flag.value, flag.severity) == ("phq9_9", ">=", 1, "urgent")
    assert "suicide" in flag.label.lower()
    assert flag.citation


@pytest.mark.parametrize("code", ["wai-sr", "wai-sr-predicted"])
def test_it_ships_the_wai_sr_items_scale_and_subscales(code):
    instrument = get_instrument(code)
    assert instrument.item_ids == tuple(f"wai_{n}" for n in range(1, 13))
    texts = [item.text.replace("{counselor}", "___") for item in instrument.items]
    assert texts == [text for _, text in WAI_SR]
    assert [item.subscale for item in instrument.items] == [sub for sub, _ in WAI_SR]
    for item in instrument.items:
        assert [(o.value, o.label) for o in item.options] == WAI_SCALE
    assert {sub.name: sub.items for sub in instrument.subscales} == {
        "goal": ("wai_4", "wai_6", "wai_8", "wai_11"),
        "task": ("wai_1", "wai_2", "wai_10", "wai_12"),
        "bond": ("wai_3", "wai_5", "wai_7", "wai_9"),
    }
    assert (instrument.min_total, instrument.max_total) == (12, 60)
    assert instrument.licence == WAI_NOTICE
    assert "Hatcher" in instrument.citation and "2006" in instrument.citation
    assert not instrument.bands
    assert "no published cut-off" in instrument.notes.lower()


def test_it_makes_the_predicted_form_a_counselor_prediction_paired_with_the_client_form():
    predicted = get_instrument("wai-sr-predicted")
    assert (predicted.respondent, predicted.perspective) == ("counselor", "predicting")
    assert predicted.pairs_with == "wai-sr"
    assert "Answer as you expect your client to answer" in predicted.stem
    client = get_instrument("wai-sr")
    assert (client.respondent, client.perspective) == ("client", "self")


def test_it_renders_names_into_the_placeholders():
    instrument = get_instrument("wai-sr")
    assert instrument.item("wai_3").render(counselor="Sam") == "I believe Sam likes me."
    assert instrument.item("wai_5").render() == "Your counselor and I respect each other."
    predicted = get_instrument("wai-sr-predicted")
    assert "Alex's words" in predicted.render_stem(client="Alex")


def test_it_ships_no_ors_or_srs_text():
    names = sorted(path.name for path in SHIPPED_DIR.iterdir())
    assert names == ["gad7.json", "phq9.json", "wai-sr-predicted.json", "wai-sr.json"]
    for path in SHIPPED_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "Outcome Rating Scale" not in text and "Session Rating Scale" not in text


@pytest.mark.parametrize("code", ["phq9", "gad7", "wai-sr", "wai-sr-predicted"])
def test_it_round_trips_every_definition_through_to_dict(code):
    instrument = get_instrument(code)
    on_disk = json.loads((SHIPPED_DIR / f"{code}.json").read_text(encoding="utf-8"))
    assert parse_definition(instrument.to_dict(), "copy") == instrument
    assert [item["id"] for item in instrument.to_dict()["items"]] == [
        item["id"] for item in on_disk["items"]
    ]


def test_it_hands_out_a_copy_so_callers_cannot_change_the_cache():
    load_instruments().pop("phq9")
    assert "phq9" in load_instruments()
