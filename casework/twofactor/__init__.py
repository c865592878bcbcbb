"""Two-factor login (django-otp): a phone app's one-time code after the password."""
