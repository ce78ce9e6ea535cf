"""The site's URLs plus /bench/minimal/, the cheapest Django response: the ceiling other pages compare to."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal), path("", include("intranet.urls"))]
