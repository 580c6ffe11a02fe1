import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.access import get_visible_or_404
from alliance.accounts import services
from alliance.accounts.decorators import role_required
from alliance.accounts.forms import AssignForm, CodeForm, InviteStaffForm, SignInForm
from alliance.accounts.models import Invitation, Role, User
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.posting import save_posted


class SignInView(LoginView):
    template_name = "accounts/signin.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


def accept_invitation(request, token):
    invitation = Invitation.find(token)
    # A link to an account that has since been deactivated must not bring it back; a
    # stand-in's link is never sent, and could not make an account of it if it were.
    if invitation is None or not invitation.user.is_active or invitation.user.address_in_use:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": "unknown"}, status=404
        )
    if invitation.is_used:
        return render(request, "accounts/invitation_invalid.html", {"reason": "used"}, status=410)
    if invitation.is_expired:
        context = {"reason": "expired", "invitation": invitation}
        return render(request, "accounts/invitation_invalid.html", context, status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.accept_invitation(invitation, password=form.cleaned_data["new_password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("index")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )


def _safe_next(request, default="index"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: show the key as a QR code and as text, confirm with a code."""
    user = request.user
    if user_has_device(user, confirmed=True) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect("index")
        form.add_error(
            "code", "That code did not match. Check the time on your phone and try again."
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, dark="#111", light="#fff", omitsize=False),
        "secret": base64.b32encode(device.bin_key).decode(),
        "required": user.is_staff_member and settings.STAFF_2FA == "required",
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_safe_next(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", "That code did not match. Wait for a fresh code and try again.")
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
def account(request):
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    context = {
        "has_device": devices.exists(),
        "can_remove": not (request.user.is_staff_member and settings.STAFF_2FA == "required"),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def two_factor_remove(request):
    if request.user.is_staff_member and settings.STAFF_2FA == "required":
        raise Http404("Not found")
    TOTPDevice.objects.filter(user=request.user).delete()
    messages.success(request, "Two-factor sign-in is off. You sign in with your password only.")
    return redirect("account")


@role_required(Role.ADMIN)
def people(request):
    clinic = request.user.clinic
    staff = User.objects.filter(clinic=clinic).exclude(role=Role.CLIENT).order_by("role", "name")
    pending = set(
        Invitation.objects.pending().filter(user__clinic=clinic).values_list("user_id", flat=True)
    )
    clients = list(
        Client.objects.visible_to(request.user)
        .select_related("user", "counselor")
        .order_by("user__name")
    )
    audit.record(request, "list", [audit.for_client(c) for c in clients])
    context = {
        "staff": staff,
        "pending": pending,
        "clients": clients,
        "invite_form": InviteStaffForm(),
        "assign_form": AssignForm(clinic=clinic),
    }
    return render(request, "accounts/people.html", context)


@role_required(Role.ADMIN)
@require_POST
def invite_staff(request):
    form = InviteStaffForm(request.POST)
    saved, user = save_posted(
        form,
        lambda data: services.invite_staff(
            request.user,
            email=data["email"],
            name=data["name"],
            role=data["role"],
            request=request,
        ),
    )
    if saved:
        messages.success(request, f"Invitation sent to {user.email}.")
        return redirect("people")
    return render(request, "accounts/invite_staff.html", {"form": form}, status=422)


@role_required(Role.ADMIN)
@require_POST
def assign_client(request, client_id):
    client = get_visible_or_404(Client.objects.visible_to(request.user), client_id)
    form = AssignForm(request.POST, clinic=request.user.clinic)
    if form.is_valid():
        services.reassign_client(
            client, counselor=form.cleaned_data["counselor"], by=request.user, request=request
        )
        messages.success(
            request, f"{client.name} is now with {form.cleaned_data['counselor'].name}."
        )
        return redirect("people")
    context = {"form": form, "client": client}
    return render(request, "accounts/assign_client.html", context, status=422)
