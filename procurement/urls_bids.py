"""URLs of bids (under /avis/): the company's bid, its receipt, the public register, the buyers' opening register."""

from django.urls import path

from procurement import views_bids

urlpatterns = [
    path("<int:notice_id>/offre/", views_bids.BidView.as_view(), name="bid"),
    path("<int:notice_id>/offre/<int:bid_id>/deposer/", views_bids.ConfirmBidView.as_view(), name="confirm_bid"),
    path("<int:notice_id>/offre/<int:bid_id>/retirer/", views_bids.WithdrawBidView.as_view(), name="withdraw_bid"),
    path("<int:notice_id>/offre/<int:bid_id>/abandonner/", views_bids.AbandonBidView.as_view(), name="abandon_bid"),
    path(
        "<int:notice_id>/offre/<int:bid_id>/fichiers/<int:file_id>/retirer/",
        views_bids.RemoveBidFileView.as_view(),
        name="remove_bid_file",
    ),
    path("accuses/<str:receipt_id>/", views_bids.ReceiptView.as_view(), name="bid_receipt"),
    path("accuses/<str:receipt_id>/pdf/", views_bids.ReceiptPdfView.as_view(), name="bid_receipt_pdf"),
    path("<int:notice_id>/registre-des-depots/", views_bids.RegisterView.as_view(), name="receipt_register"),
    path("<int:notice_id>/plis/", views_bids.OpeningRegisterView.as_view(), name="opening_register"),
    path(
        "<int:notice_id>/plis/registre.csv",
        views_bids.OpeningRegisterView.as_view(),
        {"format": "csv"},
        name="opening_register_csv",
    ),
    path(
        "<int:notice_id>/plis/registre.pdf",
        views_bids.OpeningRegisterView.as_view(),
        {"format": "pdf"},
        name="opening_register_pdf",
    ),
    path(
        "<int:notice_id>/plis/fichiers/<int:file_id>/", views_bids.OpenedBidFileView.as_view(), name="opened_bid_file"
    ),
]
