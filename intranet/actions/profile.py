"""Writes on one's own profile."""

from intranet.models import User


def do_update_profile(user: User, *, first_name: str, last_name: str, job_title: str, email_frequency: str) -> User:
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.job_title = job_title.strip()
    user.email_frequency = email_frequency
    user.full_clean(validate_unique=False)
    user.save(update_fields=["first_name", "last_name", "job_title", "email_frequency"])
    return user
