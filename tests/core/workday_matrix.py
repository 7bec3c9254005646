"""Role matrix for the notification pages added with the to-do home (issue 11)."""

from ..matrix import ALL_ROLES, Entry

ENTRIES = [
    Entry("core:notifications_read_all", method="post", allow=ALL_ROLES, ok=302),
    Entry("core:notification_settings", allow=ALL_ROLES),
]
