"""The notice list page (salle des marchés): filters, sort, pagination."""


def notice_list_context(request, index_page) -> dict:
    return {}
