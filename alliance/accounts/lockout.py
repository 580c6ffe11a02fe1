from django.http import JsonResponse
from django.shortcuts import render


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What django-axes answers once an account and address are locked out."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Too many failed attempts. Try again later."}, status=429)
    return render(request, "accounts/locked_out.html", status=429)


def lockout_username(request, credentials=None):
    """The account an attempt counts against: the email as typed, in one case.

    Without this the count would be keyed on the user model's `email` field, which neither the
    sign-in form nor the token endpoint sends, and varying the case of an email address would
    start a fresh count each time.
    """
    if credentials:
        value = credentials.get("username")
    else:
        value = request.POST.get("username")
    return (value or "").strip().lower() or None
