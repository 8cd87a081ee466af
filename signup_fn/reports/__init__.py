"""The librarians' figures: requests, procedure times, uses (COUNTER)."""
