from django.urls import path

from . import views

urlpatterns = [
    path("", views.zone_list, name="zone-list"),
    path("<str:slug>/", views.zone_detail, name="zone-detail"),
]
