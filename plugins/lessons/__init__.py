"""Lesson runner: runs each lesson's script at build time and hands its outputs to the page."""
