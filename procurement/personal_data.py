"""RGPD: what the procurement app holds about a person (export) and forgets at account closure."""

from wagtail import hooks

from procurement.models import Download, Follow, Question, SavedSearch


@hooks.register("register_personal_data")
def procurement_personal_data(user):
    return "procurement", {
        "questions": [
            {
                "notice": q.notice.reference,
                "asked_at": q.asked_at.isoformat(),
                "question": q.body,
                "answered_at": q.answered_at.isoformat() if q.answered_at else None,
            }
            for q in Question.objects.filter(asked_by=user).select_related("notice").order_by("pk")
        ],
        "followed_notices": [
            {"notice": f.notice.reference, "since": f.created_at.isoformat()}
            for f in Follow.objects.filter(user=user).select_related("notice").order_by("pk")
        ],
        "identified_downloads": [
            {"notice": d.notice.reference, "downloaded_at": d.downloaded_at.isoformat(), "kind": d.kind}
            for d in Download.objects.filter(user=user).select_related("notice").order_by("pk")
        ],
        "saved_searches": [
            {"name": s.name, "filters": s.query, "notify": s.notify, "created_at": s.created_at.isoformat()}
            for s in SavedSearch.objects.filter(user=user).order_by("pk")
        ],
    }


@hooks.register("register_account_closure")
def forget_procurement_preferences(user):
    """Alerts (and their secret feed addresses) and follows end with the account. Questions stay
    (already anonymous on the notice); identified downloads stay as the legal download history,
    pointing at the anonymized account."""
    SavedSearch.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
