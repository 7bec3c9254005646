"""Routing rules (分类交办): category × region (× keyword) → lead and assisting departments and
a default deadline. ``match`` picks the rule for a case; the assign form and the deputy's
"hand to the routed department" action both read it."""
