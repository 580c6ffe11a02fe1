import re
from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts import services
from alliance.accounts.models import Invitation, User

NEW_PASSWORD = "a long and fresh passphrase"


def invite_link(mailoutbox) -> str:
    (message,) = mailoutbox
    return re.search(r"https?://\S+/invite/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def invite_client(personas, mailoutbox):
    services.invite_client(personas.c1, email="nina@north.test", name="Nina New")
    return path_of(invite_link(mailoutbox))


def accept(client, path, password=NEW_PASSWORD, again=None):
    return client.post(
        path, {"new_password1": password, "new_password2": password if again is None else again}
    )


def test_it_emails_the_invitee_a_link(personas, mailoutbox, settings):
    services.invite_client(personas.c1, email="nina@north.test", name="Nina New")
    (message,) = mailoutbox
    assert message.to == ["nina@north.test"]
    assert "Northside Clinic" in message.subject
    assert "Carmen Counselor has invited you" in message.body
    link = invite_link(mailoutbox)
    assert link.startswith(settings.SITE_URL + "/invite/")
    assert "The link works once" in message.body


def test_it_stores_only_a_hash_of_the_link(personas, mailoutbox):
    services.invite_client(personas.c1, email="nina@north.test", name="Nina New")
    token = invite_link(mailoutbox).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(user__email="nina@north.test")
    assert token not in invitation.token_hash
    assert Invitation.find(token) == invitation


def test_it_shows_the_set_password_form(personas, mailoutbox, client):
    response = client.get(invite_client(personas, mailoutbox))
    assert response.status_code == 200
    assert b"Welcome to Northside Clinic" in response.content
    assert b"nina@north.test" in response.content


def test_it_sets_the_password_and_signs_the_client_in(personas, mailoutbox, client):
    path = invite_client(personas, mailoutbox)
    response = accept(client, path)
    assert response.status_code == 302
    user = User.objects.get(email="nina@north.test")
    assert user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/home/"
    assert Invitation.objects.get(user=user).accepted_at is not None


def test_it_sends_new_staff_to_set_up_two_factor(personas, mailoutbox, client):
    services.invite_staff(personas.admin, email="nia@north.test", name="Nia New", role="counselor")
    response = accept(client, path_of(invite_link(mailoutbox)))
    assert response.status_code == 302
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/two-factor/setup/"
    assert TOTPDevice.objects.filter(user__email="nia@north.test", confirmed=False).exists()


def test_it_works_only_once(personas, mailoutbox, client):
    path = invite_client(personas, mailoutbox)
    accept(client, path)
    client.post("/signout/")
    response = client.get(path)
    assert response.status_code == 410
    assert b"This invitation has already been used" in response.content
    response = accept(client, path, "another long passphrase")
    assert response.status_code == 410
    assert User.objects.get(email="nina@north.test").check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session


def test_it_explains_an_expired_link(personas, mailoutbox, client):
    path = invite_client(personas, mailoutbox)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(path)
    assert response.status_code == 410
    assert b"This invitation has expired" in response.content
    assert b"Ask Carmen Counselor to send you a new one" in response.content
    response = accept(client, path)
    assert response.status_code == 410
    assert not User.objects.get(email="nina@north.test").has_usable_password()


def test_it_answers_an_unknown_link_with_a_404_page(db, client):
    response = client.get("/invite/not-a-real-token/")
    assert response.status_code == 404
    assert b"This invitation link is not valid" in response.content


def test_it_re_shows_the_form_for_a_weak_password_and_changes_nothing(personas, mailoutbox, client):
    path = invite_client(personas, mailoutbox)
    response = accept(client, path, "short")
    assert response.status_code == 200
    assert b"This password is too short" in response.content
    user = User.objects.get(email="nina@north.test")
    assert not user.has_usable_password()
    assert Invitation.objects.get(user=user).accepted_at is None
    assert "_auth_user_id" not in client.session


def test_it_re_shows_the_form_when_the_passwords_differ(personas, mailoutbox, client):
    path = invite_client(personas, mailoutbox)
    response = accept(client, path, NEW_PASSWORD, again="a different passphrase")
    assert response.status_code == 200
    assert b"didn" in response.content and b"match" in response.content
    assert not User.objects.get(email="nina@north.test").has_usable_password()


def test_it_makes_an_earlier_link_stop_working_when_a_new_one_is_sent(personas, mailoutbox, client):
    first = invite_client(personas, mailoutbox)
    nina = User.objects.get(email="nina@north.test")
    mailoutbox.clear()
    services.send_invitation(nina, invited_by=personas.c1)
    second = path_of(invite_link(mailoutbox))
    assert client.get(first).status_code == 410
    assert accept(client, second).status_code == 302


def test_it_does_not_reactivate_an_account_deactivated_before_acceptance(
    personas, mailoutbox, client
):
    path = invite_client(personas, mailoutbox)
    User.objects.filter(email="nina@north.test").update(is_active=False)
    assert client.get(path).status_code == 404
    assert accept(client, path).status_code == 404
    nina = User.objects.get(email="nina@north.test")
    assert not nina.is_active and not nina.has_usable_password()
    assert "_auth_user_id" not in client.session
