"""The workspaces' URLs, one module per feature (each helper module owns its own patterns)."""

from django.urls import include, path

from workspaces import urls_chat, urls_files, urls_notes, urls_search, urls_workspaces

app_name = "workspaces"

urlpatterns = [
    # Chat first: its fixed prefixes (messages/, direct/, canal/) must win over a workspace's <slug>/.
    path("", include(urls_chat)),
    path("", include(urls_workspaces)),
    path("", include(urls_files)),
    path("", include(urls_notes)),
    path("", include(urls_search)),
]
