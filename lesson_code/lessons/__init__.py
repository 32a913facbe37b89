"""Lesson scripts: one per lesson page, run at build time (see plugins/lessons)."""
