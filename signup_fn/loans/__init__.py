"""Loans and renewals (Perpanjangan), for patrons and librarians."""
