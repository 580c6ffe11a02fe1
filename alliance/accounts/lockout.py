from django.http import JsonResponse
from django.shortcuts import render


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """What django-axes answers once an account and address are locked out."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Too many failed attempts. Try again later."}, status=429)
    return render(request, "accounts/locked_out.html", status=429)
