"""Helpers that serve one lesson topic each: ``lesson_code/topics/<topic>.py``.

What goes here and what stays at the top level: docs/authoring.md, "Course code".
"""
