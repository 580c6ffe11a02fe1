from django.urls import path

from alliance.reports import clinic_views, views

urlpatterns = [
    path("progress/", views.my_progress, name="my_progress"),
    path("progress/report.pdf", views.my_progress_report, name="my_progress_report"),
    path(
        "clients/<int:client_id>/progress/",
        views.client_progress_charts,
        name="client_progress_charts",
    ),
    path("clients/<int:client_id>/report.pdf", views.client_report, name="client_report"),
    path("clients/<int:client_id>/timeline/", views.client_timeline, name="client_timeline"),
    path("clinic/outcomes/", clinic_views.clinic_outcomes, name="clinic_outcomes"),
    path("clinic/outcomes.csv", clinic_views.clinic_outcomes_csv, name="clinic_outcomes_csv"),
    path("practice/", clinic_views.my_practice, name="my_practice"),
    path("practice/outcomes.csv", clinic_views.my_practice_csv, name="my_practice_csv"),
]
