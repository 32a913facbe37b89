"""``python -m bench``: the benchmark table, also written to bench.json (`make bench`).

python -m bench               measure everything (several minutes) and print the table
python -m bench --readme      rewrite README.md's budget table from bench/budgets.py
python -m bench --phases CONFIG SITE
                              (internal) one build with every plugin event timed
"""

from __future__ import annotations

import os
import sys


def cli(args: list[str]) -> None:
    if args[:1] == ["--phases"] and len(args) == 3:
        sys.path.insert(0, os.getcwd())  # the project being measured, not this checkout
        from bench.builds import phases_child

        phases_child(args[1], args[2])
    elif args == ["--readme"]:
        from bench.budgets import README, write_readme

        changed = write_readme()
        print(f"{README.name}: budget table {'rewritten' if changed else 'already up to date'}")
    elif not args:
        from bench.report import main

        main()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    cli(sys.argv[1:])
