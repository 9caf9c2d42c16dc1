"""Klausul: security-clause library assembled into Word agreement drafts with coverage checklists."""

__version__ = "0.1.0"
