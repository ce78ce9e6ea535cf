"""URLs of group purchases (/groupements/): the groups, their catalogue, members, declarations and table."""

from django.urls import path, re_path

from procurement import views_groups as views

app_name = "groups"

urlpatterns = [
    path("", views.GroupListView.as_view(), name="index"),
    path("nouveau/", views.GroupCreateView.as_view(), name="create"),
    path("<int:group_id>/", views.GroupDetailView.as_view(), name="detail"),
    path("<int:group_id>/modifier/", views.GroupEditView.as_view(), name="edit"),
    path("<int:group_id>/convention/", views.AgreementView.as_view(), name="agreement"),
    path("<int:group_id>/catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("<int:group_id>/membres/", views.MembersView.as_view(), name="members"),
    path("<int:group_id>/adhesion/", views.MembershipView.as_view(), name="membership"),
    path("<int:group_id>/besoins/", views.MyDeclarationView.as_view(), name="declare_mine"),
    path("<int:group_id>/besoins/<int:member_id>/", views.DeclareView.as_view(), name="declare"),
    path("<int:group_id>/tableau/", views.TableView.as_view(), name="table"),
    re_path(r"^(?P<group_id>[0-9]+)/tableau\.(?P<extension>csv|xlsx)$", views.ExportView.as_view(), name="export"),
    path("<int:group_id>/avis/", views.CreateNoticeView.as_view(), name="create_notice"),
    path("<int:group_id>/prix-attribues/", views.AwardedPricesView.as_view(), name="prices"),
    path("<int:group_id>/espace/", views.OpenWorkspaceView.as_view(), name="workspace"),
]
