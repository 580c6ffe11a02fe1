from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from alliance.audit import refusals


def role_required(*roles):
    """Pages for some roles only. Others get the same 404 as for anything not theirs."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.role not in roles:
                match = request.resolver_match
                refusals.note("Page", match.url_name if match else request.path)
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
