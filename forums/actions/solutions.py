"""Every write on solved topics: marking one reply as the topic's solution, and unmarking it.

The caller has checked the right to do so (forums.access.access_post_for_solution: the topic's author
or a moderator). The solution's author is told after commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forums.models import Post, Topic
from intranet.models import User


def do_mark_solution(user: User, post: Post) -> Topic:
    """Make `post` its topic's solution (replacing any previous one); the first post cannot be one."""
    from forums import notifications

    if post.number == 1:
        raise ValidationError(_("The first message asks the question: only a reply can be the solution."))
    if not post.is_visible:
        raise ValidationError(_("A deleted or hidden message cannot be the solution."))
    with transaction.atomic():
        topic = Topic.objects.select_for_update().get(pk=post.topic_id)
        if topic.solution_id == post.pk:
            return topic
        Topic.objects.filter(pk=topic.pk).update(solution=post)
        topic.solution = post
        post.topic.solution = post
        transaction.on_commit(lambda: notifications.solution_marked(post, user))
    return topic


def do_unmark_solution(user: User, topic: Topic) -> Topic:
    """The topic is no longer solved (its former solution's author is not told)."""
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(solution=None)
        topic.solution = None
    return topic
