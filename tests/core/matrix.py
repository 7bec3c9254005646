from ..matrix import ALL_ROLES, Entry

ENTRIES = [
    # home redirects every role to its landing page; someone without a role sees an explanation.
    # Visitors without an account get the public home (find a station, track a case).
    Entry("home", allow=ALL_ROLES, ok=(200, 302), public=True),
    # The short link in the constituent's SMS: on to the tracking page, for anyone.
    Entry("short_track", args=lambda w: ["ABCDEFGHJKLMNP"], public=True, ok=302),
    # Logged-in users are sent on from the login page to their home page.
    Entry("login", public=True, ok=(200, 302)),
    Entry("logout", method="post", public=True, ok=302),
    Entry("password_change", allow=ALL_ROLES),
    Entry("password_change_done", allow=ALL_ROLES),
    # Health endpoints: public, plain text, for load balancers and the benchmarks.
    Entry("healthz", public=True),
    Entry("readyz", public=True),
    Entry("core:notifications", allow=ALL_ROLES),
    # A notification that is not yours is a 404, like one that does not exist.
    Entry("core:notification_read", args=lambda w: [999999], method="post", allow=(), deny=404),
]
