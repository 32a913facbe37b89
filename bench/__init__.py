"""Benchmarks of the course site (`make bench`, ``python -m bench``): build times, page
weights, asset sizes, browser timings and Lighthouse scores, with every budget declared
once in bench/budgets.py. A benchmark reports; the tests in tests/ pass or fail."""
