"""Registering an at-risk child: the child and their first case in one short form."""
