"""Tasks for the django-tasks database worker (`tiaojie db_worker`)."""

from __future__ import annotations

from django_tasks import task

from tiaojie.notifications.actions import do_deliver_notification, do_record_heartbeat


@task()
def deliver_notification(notification_id: int) -> str:
    """Send one queued notification. Running twice, or beside the watcher's sweep, sends it once: the action
    claims the row before sending."""
    return str(do_deliver_notification(notification_id=notification_id))


@task()
def heartbeat() -> str:
    """Queued by the watcher every tick: the worker that runs it records that the queue is being worked."""
    do_record_heartbeat(kind="worker")
    return "ok"
