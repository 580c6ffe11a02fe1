from django.urls import path

from alliance.alerts import views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("alerts/", views.inbox, name="alerts_inbox"),
    path("alerts/settings/", views.alert_settings, name="alert_settings"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/repair/", views.alert_repair, name="alert_repair"),
    path("clients/<int:client_id>/alliance/", views.client_alliance, name="client_alliance"),
    path(
        "clients/<int:client_id>/alliance/sessions/<int:session_id>/skip/",
        views.skip_prediction,
        name="skip_prediction",
    ),
    path(
        "clients/<int:client_id>/alliance/statements-shown/",
        views.comparison_items_choice,
        name="comparison_items_choice",
    ),
    path("home/alliance/", views.my_alliance, name="my_alliance"),
    path("home/something-isnt-working/", views.raise_concern, name="raise_concern"),
]
