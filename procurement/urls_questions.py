"""URLs of questions and answers, following and the lifecycle actions (under /avis/)."""

from django.urls import path

from procurement import views_lifecycle, views_questions

urlpatterns = [
    path("<int:notice_id>/questions/", views_questions.QuestionInboxView.as_view(), name="question_inbox"),
    path("<int:notice_id>/questions/poser/", views_questions.AskQuestionView.as_view(), name="ask_question"),
    path(
        "<int:notice_id>/questions/information/",
        views_questions.PublishInformationView.as_view(),
        name="publish_information",
    ),
    path(
        "<int:notice_id>/questions/<int:question_id>/repondre/",
        views_questions.AnswerQuestionView.as_view(),
        name="answer_question",
    ),
    path("<int:notice_id>/suivre/", views_questions.FollowView.as_view(), name="follow_notice"),
    path("<int:notice_id>/ne-plus-suivre/", views_questions.UnfollowView.as_view(), name="unfollow_notice"),
    path("<int:notice_id>/ouverture/", views_lifecycle.OpenBidsView.as_view(), name="open_bids"),
    path("<int:notice_id>/attribution/", views_lifecycle.AwardView.as_view(), name="award_notice"),
    path(
        "<int:notice_id>/infructueux/", views_lifecycle.DeclareUnsuccessfulView.as_view(), name="declare_unsuccessful"
    ),
    path("<int:notice_id>/annulation/", views_lifecycle.CancelNoticeView.as_view(), name="cancel_notice"),
]
