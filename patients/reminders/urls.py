from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("reminders/", views.settings_page, name="settings"),
    path("reminders/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("reminders/push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
    path(
        "staff/patients/<int:patient_id>/reminders/send/",
        views.staff_nudge,
        name="staff_nudge",
    ),
    path(
        "staff/patients/<int:patient_id>/reminders/calendar/reset/",
        views.staff_calendar_reset,
        name="staff_calendar_reset",
    ),
]
