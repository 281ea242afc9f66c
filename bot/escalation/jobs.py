"""Where jobs queued by releases before the bot/jobs layout point (RQ imports a job's
function by its dotted path): a staff page or reply waiting in Redis during an upgrade
still runs. Remove once no such job can be waiting (30 days after that release)."""

from bot.jobs.tasks import (  # noqa: F401
    notify_staff,
    record_notification_failure,
    record_reply_failure,
    send_staff_reply,
)
