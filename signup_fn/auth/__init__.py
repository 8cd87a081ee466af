"""Who is logged in: sessions, passwords, tokens, patrons' and librarians' accounts."""
