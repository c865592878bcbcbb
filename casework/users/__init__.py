"""The admin's user forms with each user's casework profile (school, office, leader name).

A site installs this by replacing "wagtail.users" in INSTALLED_APPS with
"casework.users.apps.CaseworkUsersAppConfig".
"""
