"""Pages for constituents without an account: booking an appointment, rating a report-back."""
