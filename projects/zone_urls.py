from django.urls import path

from . import zone_views

urlpatterns = [
    path("", zone_views.zone_list, name="zone-list"),
    path("<str:slug>/", zone_views.zone_detail, name="zone-detail"),
]
