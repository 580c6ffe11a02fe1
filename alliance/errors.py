"""The one family of errors a service raises when it refuses a request.

Every service in every app raises these, never its own hierarchy: the API turns them into its
answers in one exception handler (`alliance.api`), and pages and forms in one helper
(`show_on_form`). A message is written for the person who made the request: it says what is
wrong and, where it can, what to do instead.

- `Invalid` (422): the input cannot be stored. `field` names the input at fault, dots for
  nesting (`levels.-2`, `answers.phq9_1`); `problems` holds several at once.
- `NotAllowed` (403): the person may read the record but not do this to it. (A record the person
  may not see at all is a 404, decided by its access rule before any service is called.)
- `Conflict` (409): the record moved on since it was read; `current` is what it is now.
- `Gone` (410): the thing asked for existed but can no longer be used.
- `TooManyAttempts` (429): refused for now after repeated failures.
"""

from collections.abc import Iterable


class ServiceError(Exception):
    status = 422

    def __init__(self, message: str, *, field: str | None = None, location: str = "body"):
        super().__init__(message)
        self.message = message
        self.field = field
        # Where the field was sent: "body", "query" or "header" (as the API's 422 says it).
        self.location = location


class Invalid(ServiceError):
    status = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        location: str = "body",
        problems: Iterable[tuple[str | None, str]] = (),
    ):
        super().__init__(message, field=field, location=location)
        self.problems = list(problems) or [(field, message)]

    @classmethod
    def each(cls, problems: dict[str, str], *, within: str | None = None, location="body"):
        """One error naming every input at fault, e.g. each unanswered question of a form."""
        named = [(f"{within}.{name}" if within else name, text) for name, text in problems.items()]
        first_field, first_message = named[0]
        return cls(first_message, field=first_field, location=location, problems=named)


class NotAllowed(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409

    def __init__(self, message: str, *, current=None, field: str | None = None):
        super().__init__(message, field=field)
        self.current = current


class Gone(ServiceError):
    status = 410


class TooManyAttempts(ServiceError):
    """Refused for now after repeated failures (a password lockout): try again later."""

    status = 429


# -- pages and forms ---------------------------------------------------------------------------


def show_on_form(form, error: ServiceError) -> None:
    """Show a refusal on the form it came from: next to the field at fault when the form has
    that field, otherwise above the form. The view then re-renders the form; nothing was stored."""
    for field, message in getattr(error, "problems", None) or [(error.field, error.message)]:
        parts = (field or "").split(".")
        # A nested input (`answers.phq9_1`) shows beside its own question when the form has
        # a field for it rather than one for the whole.
        name = next((part for part in (parts[0], parts[-1]) if part in form.fields), None)
        form.add_error(name, message)
