from django import template

from alliance.accounts.clinic import with_phone_links

register = template.Library()


@register.filter
def phone_links(text):
    """A clinic's crisis text, escaped, with tap-to-call links for its phone numbers."""
    return with_phone_links(text)
