"""Shared HTML plumbing: headers, errors, CSRF, forms, rate limits, ids, the admin tabs."""
