"""The portal's tests, one folder per area of `signup_fn/` plus the site, catalog and tools.

Every folder is a package: pytest imports each test module by its full name
(`tests.review.test_review`), so two areas may hold files of the same name, and shared
infrastructure is imported as `tests.support.<module>` from tests and bench scripts alike,
with no change to `sys.path` beyond pyproject's `pythonpath = ["."]`.
"""
