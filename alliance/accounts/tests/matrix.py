from alliance.accounts.models import Invitation
from alliance.tests.access import CLIENTS, Entry, operations, outcome, pages

PASSWORD = "correct horse battery staple"


def invitation_token(p, who):
    _, token = Invitation.issue(p.other_client.user, p.other_counselor)
    return {"token": token}


WEB = {
    "login": Entry(outcome(302, anon=200)),
    "logout": Entry(outcome(302), method="POST"),
    "password_reset": Entry(outcome(200)),
    "password_reset_done": Entry(outcome(200)),
    "password_reset_confirm": Entry(
        outcome(200), kwargs=lambda p, who: {"uidb64": "MQ", "token": "set-password"}
    ),
    "password_reset_complete": Entry(outcome(200)),
    "accept_invitation": Entry(outcome(200), kwargs=invitation_token),
    "two_factor_setup": Entry(pages(200)),
    "two_factor_verify": Entry(pages(302)),
    "account": Entry(pages(200)),
    # Staff must keep two-factor on where the clinic requires it.
    "two_factor_remove": Entry(pages(404, **{c: 302 for c in CLIENTS}), method="POST"),
    "people": Entry(pages(404, admin=200)),
    "invite_staff": Entry(
        pages(404, admin=302),
        method="POST",
        data=lambda p, who: {"name": "Nia New", "email": "nia@north.test", "role": "counselor"},
    ),
    "assign_client": Entry(
        pages(404, admin=302),
        method="POST",
        kwargs=lambda p, who: {"client_id": p.a.pk},
        data=lambda p, who: {"counselor": p.c2.pk},
    ),
    "clinic_settings": Entry(pages(404, admin=200)),
}


API = {
    ("POST", "/api/v1/auth/token"): Entry(
        outcome(200),
        method="POST",
        data=lambda p, who: {"email": "amira@north.test", "password": PASSWORD},
    ),
    ("DELETE", "/api/v1/auth/token"): Entry(operations(204), method="DELETE"),
    ("GET", "/api/v1/auth/tokens"): Entry(operations(200)),
    ("DELETE", "/api/v1/auth/tokens"): Entry(operations(204), method="DELETE"),
    ("GET", "/api/v1/me"): Entry(operations(200)),
    ("GET", "/api/v1/clinic"): Entry(operations(200)),
    ("PATCH", "/api/v1/clinic"): Entry(
        operations(403, admin=200),
        method="PATCH",
        data=lambda p, who: {"crisis_text": "Call the duty line on 0100 000 000, day or night."},
    ),
    ("POST", "/api/v1/me/password"): Entry(
        operations(204),
        method="POST",
        data=lambda p, who: {"current_password": PASSWORD, "new_password": "a fresh long phrase"},
    ),
}
