"""Benchmarks, run from the repository root as modules (`.venv/bin/python -m bench.signup`):
they import each other as `bench.<module>` and the test servers as `tests.support.<module>`.
"""
