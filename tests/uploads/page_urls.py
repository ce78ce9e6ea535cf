"""The site's URLs plus one bare page using uploads/resumable.js, for the browser test (no product page has it yet)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

PAGE = """{% load static %}<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Envoi</title></head><body><main>
<form method="post">{% csrf_token %}
  <div data-resumable-upload data-endpoint="/televersements/essai/" data-chunk-size="{{ chunk }}"
       data-text-progress="{percent} % envoyés" data-text-paused="En pause à {percent} %"
       data-text-done="Fichier reçu." data-text-error="Échec de l’envoi : {message}"
       data-text-retrying="Connexion perdue, nouvel essai…">
    <label for="fichier">Offre</label> <input id="fichier" type="file" data-resumable-file>
    <input type="hidden" name="upload" data-resumable-result>
    <progress max="100" value="0" data-resumable-progress hidden></progress>
    <p aria-live="polite" data-resumable-status></p>
    <button type="button" data-resumable-pause hidden>Pause</button>
    <button type="button" data-resumable-resume hidden>Reprendre</button>
  </div>
</form>
<script src="{% static 'uploads/vendor/tus.min.js' %}"></script>
<script src="{% static 'uploads/resumable.js' %}"></script>
</main></body></html>"""


def upload_page(request):
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"chunk": 256 * 1024}, request))


urlpatterns = [path("essai-televersement/", upload_page), path("", include("intranet.urls"))]
