"""Shared test infrastructure: servers, fresh databases, the SLiMS fixture, the SMTP server,
samples, the site build and the fixtures every area sees (`tests.support.fixtures`, registered
as a plugin by tests/conftest.py).
"""
