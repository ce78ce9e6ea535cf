"""The training room: each reader's progress through the courses, on the profile and the home page.

Progress counts only the steps the reader may see (a step whose guide is not live or not for them is
hidden), so "3 of 7 steps done" always means steps they can open.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from knowledge.access import visible_guides, visible_training_paths
from knowledge.models import TrainingPathPage, TrainingProgress, TrainingStep


@dataclass
class CourseStep:
    step: TrainingStep
    done: bool

    @property
    def title(self) -> str:
        return self.step.title or self.step.guide.title

    @property
    def guide(self):
        return self.step.guide


@dataclass
class Course:
    path: TrainingPathPage
    steps: list[CourseStep] = field(default_factory=list)
    can_follow: bool = False

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done_count == self.total

    @property
    def started(self) -> bool:
        return self.done_count > 0

    @property
    def next_step(self) -> CourseStep | None:
        return next((step for step in self.steps if not step.done), None)


def courses_for(user, paths=None) -> list[Course]:
    """The reader's courses (all those shown to them, or `paths`) with their visible steps and progress.

    Three queries whatever the number of courses and steps.
    """
    paths = list(visible_training_paths(user) if paths is None else paths)
    if not paths:
        return []
    courses = {path.pk: Course(path) for path in paths}
    steps = list(
        TrainingStep.objects.filter(path_id__in=courses, guide__in=visible_guides(user))
        .select_related("guide")
        .order_by("path_id", "sort_order", "pk")
    )
    done: set[int] = set()
    if getattr(user, "is_authenticated", False) and steps:
        done = set(
            TrainingProgress.objects.filter(user=user, step_id__in=[s.pk for s in steps]).values_list(
                "step_id", flat=True
            )
        )
    for step in steps:
        courses[step.path_id].steps.append(CourseStep(step, step.pk in done))
    return [courses[path.pk] for path in paths]


def course_for(user, path: TrainingPathPage) -> Course:
    return courses_for(user, [path])[0]


@hooks.register("register_profile_section")
def training_profile_section(request):
    """ "My training": progress in each course shown to the person."""
    user = request.user
    if not user.is_authenticated:
        return None
    courses = [course for course in courses_for(user) if course.total]
    if not courses:
        return None
    return {
        "title": _("My training"),
        "template": "knowledge/includes/training_profile_section.html",
        "context": {"courses": courses},
        "order": 40,
    }


@hooks.register("register_home_section")
def continue_course_home_section(request):
    """ "Continue your course": courses in progress first, then those not started, each with its next step. The
    person's own progress: kept per content generation for them alone (progress is content: a step done makes a
    new generation)."""
    user = request.user
    if not user.is_authenticated:
        return None

    def context():
        unfinished = [course for course in courses_for(user) if course.total and not course.finished]
        if not unfinished:
            return None
        unfinished.sort(key=lambda course: not course.started)  # stable: keeps the site's order otherwise
        return {"courses": unfinished}

    return {
        "title": _("Continue your course"),
        "template": "knowledge/includes/training_home_section.html",
        "vary": ("person", user.pk),
        "context": context,
        "order": 20,
    }
