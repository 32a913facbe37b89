"""The built site replaces the last good one only when the whole build succeeded.

MkDocs empties ``site_dir`` before it builds and writes page after page into it, so a build
that fails halfway (a lesson error, a quiz problem, a strict-mode warning found at the end)
would leave an empty or half-written ``site/``. The site plugin points MkDocs at a staging
folder next to it instead (:meth:`Staging.begin`, in ``on_config``), puts the finished site
in place when nothing went wrong (:meth:`Staging.commit`, the last step of
``on_post_build``) and removes the staging folder after any failure
(:meth:`Staging.abandon`, in ``on_build_error``). ``mkdocs serve`` and ``--dirty`` builds
keep MkDocs' own behaviour.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..common.logcount import CountWarnings


class Staging:
    def __init__(self, site_dir: str):
        self.final = Path(site_dir).resolve()
        self.staging = self.final.parent / f".{self.final.name}.building"
        self.warnings = CountWarnings()

    def begin(self) -> str:
        """Start a build: the staging folder, empty, for ``config.site_dir``."""
        shutil.rmtree(self.staging, ignore_errors=True)
        self.warnings.start()
        return str(self.staging)

    def commit(self, strict: bool) -> bool:
        """Put the staged site in place of the last one, unless a strict build logged a
        warning (MkDocs aborts such a build right after ``on_post_build``)."""
        self.warnings.stop()
        if strict and self.warnings.count:
            return False  # on_build_error follows and abandons the staging folder
        old = self.final.parent / f".{self.final.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.staging, self.final)
        shutil.rmtree(old, ignore_errors=True)
        return True

    def abandon(self) -> None:
        self.warnings.stop()
        shutil.rmtree(self.staging, ignore_errors=True)
