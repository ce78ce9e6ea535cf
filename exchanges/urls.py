"""URLs of the exchanges with the State (/echanges/): registers, the new act, its page and steps, the authority's
inbox, who transmits, and the public pages (verification, a body's public acts)."""

from django.urls import path

from exchanges import views

app_name = "exchanges"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("organismes/<int:organization_id>/actes/", views.RegisterView.as_view(), name="register"),
    path(
        "organismes/<int:organization_id>/registre.csv",
        views.RegisterView.as_view(),
        {"export": True},
        name="register_csv",
    ),
    path("organismes/<int:organization_id>/habilitations/", views.TransmittersView.as_view(), name="transmitters"),
    path("organismes/<int:organization_id>/actes-publics/", views.PublicActsView.as_view(), name="public_acts"),
    path(
        "organismes/<int:organization_id>/actes-publics.json",
        views.PublicActsView.as_view(),
        {"fmt": "json"},
        name="public_acts_json",
    ),
    path("actes/nouveau/", views.ActCreateView.as_view(), name="create"),
    path("actes/<int:act_id>/", views.ActView.as_view(), name="act"),
    path("actes/<int:act_id>/modifier/", views.ActEditView.as_view(), name="edit"),
    path("actes/<int:act_id>/fichiers/", views.ActFilesView.as_view(), name="files"),
    path("actes/<int:act_id>/fichiers/<int:file_id>/", views.FileView.as_view(), name="file"),
    path("actes/<int:act_id>/transmettre/", views.TransmitView.as_view(), name="transmit"),
    path("actes/<int:act_id>/supprimer/", views.DeleteDraftView.as_view(), name="delete"),
    path("actes/<int:act_id>/etapes/<slug:step>/", views.StepView.as_view(), name="step"),
    path("actes/<int:act_id>/acte.pdf", views.PublicDocumentView.as_view(), name="public_document"),
    path("autorites/<int:authority_id>/", views.InboxView.as_view(), name="inbox"),
    path("verifier/", views.VerifyView.as_view(), name="verify"),
]

urlpatterns += [
    path("organismes/<int:organization_id>/comptabilite/", views.AccountingView.as_view(), name="accounting"),
    path("comptabilite/envoyer/", views.BatchCreateView.as_view(), name="send_batch"),
    path("comptabilite/<int:batch_id>/", views.BatchView.as_view(), name="batch"),
    path("comptabilite/<int:batch_id>/fichiers/<int:file_id>/", views.BatchFileView.as_view(), name="batch_file"),
    path(
        "comptabilite/<int:batch_id>/fichiers/<int:file_id>/acquittement/",
        views.BatchFileView.as_view(),
        {"which": "ack"},
        name="batch_ack",
    ),
]
