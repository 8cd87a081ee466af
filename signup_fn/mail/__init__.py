"""The outbox: e-mails stored with the change that causes them, then sent."""
