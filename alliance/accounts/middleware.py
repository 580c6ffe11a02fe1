from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

# Pages a signed-in person may reach before the second factor is checked.
OPEN_PATHS = ("/static/", "/api/", "/signin/", "/signout/", "/two-factor/")


class TwoFactorMiddleware:
    """Staff (and clients who opted in) finish signing in with a one-time code before any page.

    When two-factor is required and the person has no device yet, they enrol first.
    The API checks the same rule in its own authentication.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PATHS)
            and not user.is_verified()
            and user.needs_two_factor()
        ):
            if user_has_device(user, confirmed=True):
                query = urlencode({"next": request.get_full_path()})
                return redirect(reverse("two_factor_verify") + "?" + query)
            return redirect("two_factor_setup")
        return self.get_response(request)
