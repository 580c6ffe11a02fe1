from django.contrib.auth import views as auth_views
from django.urls import path

from alliance.accounts import clinic, views

urlpatterns = [
    path("signin/", views.SignInView.as_view(), name="login"),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/emails/password_reset.txt",
            subject_template_name="accounts/emails/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("account/", views.account, name="account"),
    path("account/two-factor/remove/", views.two_factor_remove, name="two_factor_remove"),
    path("people/", views.people, name="people"),
    path("clinic/settings/", clinic.clinic_settings, name="clinic_settings"),
    path("people/invite/", views.invite_staff, name="invite_staff"),
    path("people/clients/<int:client_id>/assign/", views.assign_client, name="assign_client"),
]
