"""The list page and a notice page cost the same number of queries with 100 or 20,000 notices."""

import pytest
from wagtail.models import Page

from procurement.bulk import bulk_create_notices
from procurement.models import NoticePage, Status, status_q
from tests.page_cache_helpers import get_cold_and_warm

# Session-less anonymous visit: site and page routing, the buyer choices, count, page of results, CPV labels.
LIST_QUERIES = 12
NOTICE_QUERIES = 15


@pytest.mark.django_db
def test_list_and_notice_page_queries_do_not_grow_with_the_data(
    client, notice_index, body, other_body, cpv_codes, django_assert_num_queries
):
    bulk_create_notices(notice_index, 100, buyers=[body, other_body])
    notice = NoticePage.objects.live().order_by("pk").first()
    # Three filters (nature, département, CPV prefix) that an open notice matches, sorted by deadline.
    sample = NoticePage.objects.filter(status_q(Status.PUBLISHED)).order_by("pk").first()
    filters = {"nature": sample.nature, "department": sample.department, "cpv": sample.main_cpv[:3]}
    list_filters = {**filters, "sort": "deadline"}
    for size in (100, 20_000):
        if size > 100:
            assert bulk_create_notices(notice_index, size - 100, start=101, buyers=[body, other_body]) == size - 100
        assert NoticePage.objects.live().count() == size
        client.get(notice_index.url, list_filters)  # warm caches (site root paths...) as a running server has them
        response = get_cold_and_warm(client, django_assert_num_queries, notice_index.url, LIST_QUERIES, list_filters)
        assert response.context["result_count"] > 0
        assert all(
            (n.nature, n.department) == (filters["nature"], filters["department"]) for n in response.context["notices"]
        )
        client.get(notice.url)
        assert get_cold_and_warm(client, django_assert_num_queries, notice.url, NOTICE_QUERIES).status_code == 200
    assert bulk_create_notices(notice_index, 20_000, buyers=[body, other_body]) == 0  # idempotent by slug
    assert not any(Page.find_problems())
