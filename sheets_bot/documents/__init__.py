"""Documents the bot sends: the purchase order as CSV, PDF and email. Pure code: no I/O, no
clock reads; the time is passed in."""
