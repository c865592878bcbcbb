"""The product's own face in the admin: its emblem, its sign-in and a help page for each role.

What belongs to the product lives here (the emblem, the name 四查四补工作平台, the help); what
belongs to one bureau (its name, its colours) lives in the site's templates and static files.
"""
