"""The site search's index of notices: live notices only, never the practice consultation; hits are re-checked at
query time (search_hooks)."""

from django.utils.html import strip_tags
from haystack import indexes

from intranet.search import SiteDocument
from procurement import access
from procurement.models import NoticePage, Status

RUNNING = "running"  # the stage of a notice whose status follows its deadlines


def notice_text(notice: NoticePage) -> str:
    """The words a notice is found by: title, reference, buyer, description, CPV codes and lots."""
    lots = list(notice.lots.all())
    parts = [
        notice.title,
        notice.reference,
        notice.buyer.name,
        strip_tags(notice.description or ""),
        " ".join(notice.cpv_codes()),
        *(f"{lot.title} {lot.cpv}" for lot in lots),
    ]
    return "\n".join(part for part in parts if part)


class NoticePageIndex(SiteDocument, indexes.Indexable):
    text = indexes.CharField(document=True)
    title = indexes.CharField(model_attr="title")
    reference = indexes.CharField(model_attr="reference")
    # Ids and codes as keyword lists / integers: Whoosh's analyzer would mangle them in a CharField.
    buyer_id = indexes.IntegerField(model_attr="buyer_id")
    cpv = indexes.MultiValueField()
    department = indexes.MultiValueField()
    questions_deadline = indexes.DateTimeField(model_attr="questions_deadline")
    bids_deadline = indexes.DateTimeField(model_attr="bids_deadline")
    # Where its lifecycle stands apart from time: "cancelled", "awarded", "unsuccessful", "opened" (bids opened), or
    # "running" (its status then follows the deadlines: `search_hooks.status_choices`). The actions save the page.
    stage = indexes.MultiValueField()
    cpv_division = indexes.MultiValueField()  # the first two digits of its CPV codes and its lots' (division facet)
    first_published_at = indexes.DateTimeField(model_attr="first_published_at", null=True)

    def get_model(self):
        return NoticePage

    def index_queryset(self, using=None):
        # A notice saved out of this queryset (a draft) is removed by intranet.search.update_search_index.
        return access.visible_notices().exclude(practice=True).select_related("buyer").prefetch_related("lots")

    def read_queryset(self, using=None):
        return access.visible_notices().exclude(practice=True).select_related("buyer")

    def prepare_text(self, notice: NoticePage) -> str:
        return notice_text(notice)

    def prepare_cpv(self, notice: NoticePage) -> list[str]:
        return [*notice.cpv_codes(), *(lot.cpv for lot in notice.lots.all() if lot.cpv)]

    def prepare_department(self, notice: NoticePage) -> list[str]:
        return [notice.department]

    def prepare_stage(self, notice: NoticePage) -> list[str]:
        if notice.cancelled_at:
            return [Status.CANCELLED]
        if notice.outcome:
            return [notice.outcome]
        return [Status.OPENED] if notice.opened_at else [RUNNING]

    def prepare_cpv_division(self, notice: NoticePage) -> list[str]:
        return sorted({code[:2] for code in self.prepare_cpv(notice) if code[:2].isdigit()})

    def document_access(self, notice: NoticePage) -> list[str]:
        return ["public"]  # only published notices are indexed: everyone may read them

    def document_date(self, notice: NoticePage):
        return notice.first_published_at

    def document_organizations(self, notice: NoticePage) -> list[int]:
        return [notice.buyer_id]
