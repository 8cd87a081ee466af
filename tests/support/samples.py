"""Sample sign-up bodies for the tests."""

from __future__ import annotations

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# The library the tests' function serves (production requires its name and zone).
LIBRARY = {
    "LIBRARY_NAME": "Perpustakaan Poltekkes Kemenkes Banten",
    "LIBRARY_SHORT_NAME": "Perpustakaan Poltekkes Banten",
    "TIMEZONE": "Asia/Jakarta",
}

VALID = {
    "member_id": "P27820121001",
    "name": "Siti Nurhaliza",
    "email": "siti@example.ac.id",
    "phone": "+62 812-3456-7890",
    "programme": "D3 Keperawatan",
    "role": "student",
    "consent": True,
    "elapsed_ms": 9000,
}

# The same as a plain HTML form sends it (checkbox "on", honeypot empty, fill time in ms).
FORM = {**VALID, "consent": "on", "website": "", "elapsed_ms": "9000"}
# The same, as a form sends it without JavaScript (no fill time: `fill_time` asks again).
FORM_WITHOUT_SCRIPT = {key: value for key, value in FORM.items() if key != "elapsed_ms"}
