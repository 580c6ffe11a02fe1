import re

from alliance.accounts import services
from alliance.conftest import PASSWORD

NEW_PASSWORD = "a long and fresh passphrase"


def ask_for_link(client, email):
    return client.post("/password-reset/", {"email": email})


def reset_path(mailoutbox) -> str:
    (message,) = mailoutbox
    return re.search(r"https?://[^/\s]+(/password-reset/\S+/\S+/)", message.body).group(1)


def test_it_emails_a_link_to_a_known_address(personas, client, mailoutbox):
    response = ask_for_link(client, "Amira@north.test")
    assert response["Location"] == "/password-reset/sent/"
    (message,) = mailoutbox
    assert message.to == ["amira@north.test"]
    assert message.subject == "Set a new password for Alliance"
    assert "/password-reset/" in message.body


def test_it_says_the_same_for_an_unknown_address_and_sends_nothing(personas, client, mailoutbox):
    response = ask_for_link(client, "nobody@north.test")
    assert response["Location"] == "/password-reset/sent/"
    assert mailoutbox == []


def test_it_sends_nothing_to_someone_who_has_not_accepted_their_invitation(
    personas, client, mailoutbox
):
    services.invite_client(personas.c1, email="nina@north.test", name="Nina New")
    mailoutbox.clear()
    ask_for_link(client, "nina@north.test")
    assert mailoutbox == []


def test_it_re_shows_the_form_for_a_bad_address(personas, client, mailoutbox):
    response = ask_for_link(client, "not an address")
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content
    assert mailoutbox == []


def test_it_sets_a_new_password_from_the_link_once(personas, client, mailoutbox):
    ask_for_link(client, "amira@north.test")
    path = reset_path(mailoutbox)
    form = client.get(path, follow=True)
    assert b"Choose a new password" in form.content
    set_path = form.redirect_chain[-1][0]
    response = client.post(set_path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/password-reset/done/"
    user = personas.a.user
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    again = client.get(path, follow=True)
    assert b"This link no longer works" in again.content


def test_it_re_shows_the_new_password_form_for_a_weak_password(personas, client, mailoutbox):
    ask_for_link(client, "amira@north.test")
    set_path = client.get(reset_path(mailoutbox), follow=True).redirect_chain[-1][0]
    response = client.post(set_path, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert b"This password is too short" in response.content
    personas.a.user.refresh_from_db()
    assert personas.a.user.check_password(PASSWORD)


def test_it_explains_a_link_that_does_not_work(db, client):
    response = client.get("/password-reset/MQ/not-a-token/")
    assert response.status_code == 200
    assert b"This link no longer works" in response.content
