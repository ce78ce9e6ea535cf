"""The workspace's activity feed: written by the other actions, inside their transaction."""

from workspaces.models import Activity


def record_activity(workspace, actor, verb: str, *, label: str = "", url: str = "", channel=None) -> Activity:
    return Activity.objects.create(
        workspace=workspace, actor=actor, verb=verb, label=label[:255], url=url[:500], channel=channel
    )
