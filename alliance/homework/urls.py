from django.urls import path

from alliance.homework import views

urlpatterns = [
    path("clients/<int:client_id>/tasks/", views.task_list, name="task_list"),
    path("clients/<int:client_id>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/agree/", views.task_agree, name="task_agree"),
    path("tasks/<int:task_id>/drop/", views.task_drop, name="task_drop"),
    path("tasks/<int:task_id>/drop/answer/", views.task_drop_answer, name="task_drop_answer"),
    path("tasks/<int:task_id>/log/", views.task_log, name="task_log"),
]
