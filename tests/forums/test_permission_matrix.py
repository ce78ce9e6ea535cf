"""The permission matrix: for each category visibility and each role, what is visible — and what is refused.

Each cell is its own test, named "<visibility>-<role>-<check>" (for example "buyers-company_user-topic"), so a
failure says at once who saw what they should not (or could not see what they should). Refusals are checked
as explicitly as the allowed paths: pages answer 404 (existence must not leak), lists and the home page leave
the topic out, notifications are not sent, attachments and reaction lists are not served.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.base import ContentFile
from django.http import Http404
from django.urls import reverse

from forums import access
from forums.models import Attachment, Category, Reaction

pytestmark = pytest.mark.django_db
V = Category.Visibility

VISIBILITIES = ["public", "members", "buyers", "organization", "group"]
ROLES = ["visitor", "company_user", "buyer", "other_buyer", "group_member", "moderator", "platform_admin"]

# Who reads a category of each visibility. `buyer` belongs to the category's organization, `other_buyer` to
# another body, `group_member` is a buyer of that other body in the category's group, `moderator` is a company
# person who moderates the category (moderators read what they moderate).
READERS = {
    "public": set(ROLES),
    "members": set(ROLES) - {"visitor"},
    "buyers": {"buyer", "other_buyer", "group_member", "moderator", "platform_admin"},
    "organization": {"buyer", "moderator", "platform_admin"},
    "group": {"group_member", "moderator", "platform_admin"},
}

CHECKS = [
    "category",
    "topic",
    "first_unread",
    "latest",
    "unanswered",
    "index",
    "category_feed",
    "notify",
    "reaction_list",
    "attachment",
    "attachment_download",
    "home",
]


def expected(visibility: str, role: str, check: str) -> bool:
    if check == "category_feed":
        return visibility == "public"  # feeds are fetched anonymously: public categories only, for everyone
    if check == "notify" and role == "visitor":
        return False  # nobody to notify
    return role in READERS[visibility]


CELLS = [
    pytest.param(v, r, c, id=f"{v}-{r}-{c}") for v in VISIBILITIES for r in ROLES for c in CHECKS
]  # fmt: skip


@pytest.fixture
def world(make_user, make_category, make_topic, body, other_body, company, buyer, platform_admin):
    """One category of each visibility is built on demand; the people are the same for every cell."""
    group = Group.objects.create(name="Réseau des acheteurs hospitaliers")
    people = {
        "visitor": None,
        "company_user": make_user("commercial@entreprise.fr", company),
        "buyer": buyer,
        "other_buyer": make_user("acheteuse@chu-brest.fr", other_body),
        "group_member": make_user("hospitalier@chu-brest.fr", other_body),
        "moderator": make_user("moderateur@entreprise.fr", company),
        "platform_admin": platform_admin,
    }
    people["group_member"].groups.add(group)

    def build(visibility: str):
        options = {"organization": body} if visibility == "organization" else {}
        if visibility == "group":
            options = {"group": group}
        category = make_category(
            f"Catégorie {visibility}", visibility, slug=f"cat-{visibility}", moderators=[people["moderator"]], **options
        )
        topic = make_topic(category, platform_admin, title=f"Sujet réservé {visibility}", text="Premier message")
        post = topic.first_post
        Reaction.objects.create(post=post, user=platform_admin, kind=Reaction.Kind.USEFUL)
        attachment = Attachment(
            post=post,
            original_name="cahier-des-charges.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=platform_admin,
        )
        attachment.file.save("cahier-des-charges.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        return category, topic, post, attachment

    return people, build


def client_for(client, user):
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def allowed(response) -> bool:
    """200 (or a redirect for the first-unread link) means served; 404 means refused; anything else is a bug."""
    assert response.status_code in (200, 302, 404), response.status_code
    return response.status_code != 404


@pytest.mark.parametrize("visibility,role,check", CELLS)
def test_permission_matrix(client, world, visibility, role, check):
    people, build = world
    category, topic, post, attachment = build(visibility)
    user = people[role]
    web = client_for(client, user)
    title = topic.title

    if check == "category":
        seen = allowed(web.get(reverse("forums:category", args=[category.slug])))
    elif check == "topic":
        response = web.get(reverse("forums:topic", args=[topic.pk]))
        seen = allowed(response)
        assert (title in response.content.decode()) == seen
    elif check == "first_unread":
        response = web.get(reverse("forums:first_unread", args=[topic.pk]))
        seen = allowed(response)
        if seen:
            assert response.status_code == 302 and response.url.startswith(topic.get_absolute_url())
    elif check in ("latest", "unanswered"):
        response = web.get(reverse(f"forums:{check}"))
        assert response.status_code == 200
        seen = title in response.content.decode()
    elif check == "index":
        response = web.get(reverse("forums:index"))
        assert response.status_code == 200
        seen = category.name in response.content.decode()
    elif check == "category_feed":
        response = web.get(reverse("forums:category_feed", args=[category.slug]))
        seen = allowed(response)
        if seen:
            assert title in response.content.decode()
    elif check == "notify":
        seen = access.can_notify(user if user is not None else AnonymousUser(), topic)
    elif check == "reaction_list":
        response = web.get(reverse("forums:reaction_list", args=[post.pk]))
        if user is None and response.status_code == 302:
            seen = False  # visitors are sent to log in first
        else:
            seen = allowed(response)
    elif check == "attachment":
        try:
            access.access_attachment(user if user is not None else AnonymousUser(), attachment.pk)
        except Http404:
            seen = False
        else:
            seen = True
    elif check == "attachment_download":
        response = web.get(reverse("forums:attachment", args=[attachment.pk]))
        if response.status_code == 302:
            seen = False  # visitors are sent to log in first (the download URL tells nothing)
            assert user is None and visibility != "public"
        else:
            seen = allowed(response)
            if seen:
                assert response["Content-Disposition"].startswith("attachment")
    elif check == "home":
        response = web.get("/")
        assert response.status_code == 200
        seen = title in response.content.decode()
    else:  # pragma: no cover
        raise AssertionError(check)

    assert seen == expected(visibility, role, check)


# --- moderation pages: the queue and the verbs follow the same matrix ---------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_lock_is_allowed_to_moderators_and_refused_to_everyone_else(client, world, visibility, role):
    people, build = world
    _category, topic, _post, _attachment = build(visibility)
    user = people[role]
    response = client_for(client, user).post(reverse("forums:topic_lock", args=[topic.pk]))
    topic.refresh_from_db()
    if role in ("moderator", "platform_admin"):
        assert response.status_code == 302 and topic.is_locked
    elif role == "visitor":
        assert response.status_code == 302 and response.url.startswith(reverse("login")) and not topic.is_locked
    elif role in READERS[visibility]:
        assert response.status_code == 403 and not topic.is_locked
    else:
        assert response.status_code == 404 and not topic.is_locked


# --- Wagtail admin for categories: platform admins only, two levels, visibility needs its target ----------


@pytest.fixture
def category_form_data(body):
    return {"name": "Nouvelle", "slug": "nouvelle", "description": "", "position": 0, "visibility": "public"}


def test_category_admin_is_for_platform_admins_only(login, org_admin, platform_admin):
    url = reverse("forum_categories:index")
    org_admin.is_staff = True
    org_admin.save()
    assert login(org_admin).get(url).status_code in (302, 403)
    assert login(platform_admin).get(url).status_code == 200


def test_category_admin_refuses_a_third_level(login, platform_admin, make_category, category_form_data):
    top = make_category("Entre acheteurs")
    child = make_category("Mutualisation", parent=top)
    response = login(platform_admin).post(reverse("forum_categories:add"), {**category_form_data, "parent": child.pk})
    assert response.status_code == 200
    assert not Category.objects.filter(slug="nouvelle").exists()
    response = login(platform_admin).post(reverse("forum_categories:add"), {**category_form_data, "parent": top.pk})
    assert response.status_code == 302
    assert Category.objects.get(slug="nouvelle").parent == top


def test_category_admin_keeps_a_parent_with_children_at_the_top(login, platform_admin, make_category):
    top = make_category("Entre acheteurs", slug="entre-acheteurs")
    make_category("Mutualisation", parent=top)
    other = make_category("Autre")
    data = {"name": top.name, "slug": top.slug, "position": 0, "visibility": "public", "parent": other.pk}
    login(platform_admin).post(reverse("forum_categories:edit", args=[top.pk]), data)
    top.refresh_from_db()
    assert top.parent is None


@pytest.mark.parametrize("visibility,field", [("organization", "organization"), ("group", "group")])
def test_category_admin_requires_the_organization_or_group(
    login, platform_admin, category_form_data, visibility, field
):
    response = login(platform_admin).post(
        reverse("forum_categories:add"), {**category_form_data, "visibility": visibility}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Category.objects.filter(slug="nouvelle").exists()


def test_category_admin_creates_an_organization_category_with_moderators(
    login, platform_admin, category_form_data, body, buyer
):
    data = {**category_form_data, "visibility": "organization", "organization": body.pk, "moderators": [buyer.pk]}
    response = login(platform_admin).post(reverse("forum_categories:add"), data)
    assert response.status_code == 302
    category = Category.objects.get(slug="nouvelle")
    assert category.organization == body and list(category.moderators.all()) == [buyer]
