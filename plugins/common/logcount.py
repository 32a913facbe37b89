"""Counting the warnings MkDocs' loggers emit while something runs."""

from __future__ import annotations

import logging


class CountWarnings(logging.Handler):
    """``with CountWarnings() as w: ...`` then ``w.count``; or ``start()``/``stop()`` around
    a whole build."""

    def __init__(self, logger: str = "mkdocs"):
        super().__init__(logging.WARNING)
        self.logger = logger
        self.count = 0

    def emit(self, record):
        self.count += 1

    def start(self) -> CountWarnings:
        logging.getLogger(self.logger).addHandler(self)
        return self

    def stop(self) -> None:
        logging.getLogger(self.logger).removeHandler(self)

    def __enter__(self) -> CountWarnings:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
