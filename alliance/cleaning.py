"""Checks on what a person writes, shared by the services that store it: the page and the API
refuse the same things with the same words."""

from alliance.errors import Invalid

MAX_KEY_LENGTH = 255


def clean_writing(text, *, max_length: int, as_text: str, empty: str, one: str) -> str:
    """Free text stripped of surrounding space; `as_text`, `empty` and `one` ("An entry",
    "A note") are the words a refusal uses for this kind of writing."""
    if not isinstance(text, str):
        raise Invalid(as_text, field="text")
    text = text.strip()
    if not text:
        raise Invalid(empty, field="text")
    if len(text) > max_length:
        raise Invalid(
            f"{one} can be at most {max_length:,} characters; this one has {len(text):,}.",
            field="text",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates arrive through JSON but cannot be stored or encrypted.
        raise Invalid("The text contains characters that cannot be stored.", field="text")
    return text


def clean_choice(value, choices, *, field: str) -> str:
    """One of the values of `choices` (a `TextChoices`), else a refusal listing them."""
    if value not in choices.values:
        raise Invalid(f"Choose one of: {', '.join(choices.values)}.", field=field)
    return value


def clean_key(key: str | None) -> str:
    """An optional idempotency key: empty when none was sent."""
    if key is None or key == "":
        return ""
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Invalid(
            f"The idempotency key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            field="idempotency_key",
        )
    return key
