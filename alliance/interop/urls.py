from django.urls import path

from alliance.interop import views

urlpatterns = [
    path("export.json", views.my_export, name="my_export"),
    path("export.pdf", views.my_export_pdf, name="my_export_pdf"),
]
