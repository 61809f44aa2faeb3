"""URLconf exposing the Django admin, for tests that render admin pages."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
