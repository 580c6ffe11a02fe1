"""Saving what a page's form posted through a service, for the views of every app."""

from alliance.errors import ServiceError, show_on_form


def save_posted(form, save) -> tuple[bool, object]:
    """Run `save(form.cleaned_data)` for a valid form; returns whether it saved and what
    `save` returned. A service's refusal is shown on the form, as a field's own errors are,
    so the page is shown again with both (the caller answers 422)."""
    if not form.is_valid():
        return False, None
    try:
        return True, save(form.cleaned_data)
    except ServiceError as error:
        show_on_form(form, error)
        return False, None
