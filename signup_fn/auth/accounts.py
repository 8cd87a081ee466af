"""Patron accounts: created at approval, activated by the patron, passwords kept by argon2id.

The username is the member number. The librarian never chooses or sees a password: approval
makes an account `pending_activation` with a single-use activation token, and the patron sets
the password through the link. Every change writes its audit row (actor `patron:<id>`) in the
caller's transaction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Connection

from .. import library
from ..clock import expiry_text
from ..mail import outbox as mail
from ..member_numbers import normalise_member_number
from ..passwords import check_policy, hash_password, needs_rehash
from ..store.audit import add_audit, audit_actor
from ..store.engine import utcnow
from ..store.statuses import AccountStatus, Purpose, SessionKind
from . import login_guard, one_password, queries
from . import sessions as auth_session
from .tokens import consume, issue, link_path, peek, revoke_account_links

KIND = SessionKind.PATRON


class AccountExists(Exception):
    """The member number already has an active or disabled account."""


class InvalidToken(Exception):
    """The link is unknown, used, superseded or expired."""


def actor(account_id: int) -> str:
    return audit_actor(KIND, account_id)


def activation_lifetime() -> timedelta:
    return timedelta(hours=current_app.config["ACTIVATION_TOKEN_HOURS"])


def create_account_for_request(
    connection: Connection, request_id: int | None, *, member_id: str, email: str
) -> tuple[int, str]:
    """Make (or renew) the account `pending_activation` for an approved request, in the caller's
    transaction; return (account id, raw activation token). A pending account of that member
    number is reused (its older links stop working). Raises AccountExists when it is active or
    disabled. Link: `mail.public_url(activation_path(token))`."""
    existing = queries.find_account(connection, member_id)
    if existing is None:
        account_id = queries.insert_account(
            connection, member_id=member_id, email=email, request_id=request_id
        )
    elif existing["status"] == AccountStatus.PENDING_ACTIVATION:
        account_id = existing["id"]
        queries.update_account(connection, account_id, email=email, request_id=request_id)
    else:
        raise AccountExists(member_id)
    token = issue(connection, Purpose.ACTIVATION, account_id, activation_lifetime())
    return account_id, token


def renew_activation(connection: Connection, account_id: int) -> str:
    """A new activation token for a pending account; its older links stop working."""
    return issue(connection, Purpose.ACTIVATION, account_id, activation_lifetime())


def activation_path(token: str) -> str:
    return link_path("/activate", token)


def reset_path(token: str) -> str:
    return link_path("/reset", token)


def account_for_token(connection: Connection, purpose: Purpose, token: str) -> dict[str, Any]:
    """The account a valid token names (the token stays unused); raises InvalidToken."""
    account_id = peek(connection, purpose, token)
    account = queries.get_account(connection, account_id) if account_id is not None else None
    if account is None:
        raise InvalidToken()
    expected = (
        AccountStatus.PENDING_ACTIVATION if purpose is Purpose.ACTIVATION else AccountStatus.ACTIVE
    )
    if account["status"] != expected:
        raise InvalidToken()
    return account


def set_password_with_token(
    connection: Connection, purpose: Purpose, token: str, password: str
) -> int:
    """Activation or reset: check the policy, use the token once, store the new hash, end every
    session of the account, audit `activated` or `password_changed`. Returns the account id.
    Raises PasswordRejected (token left unused) or InvalidToken."""
    account = account_for_token(connection, purpose, token)
    password = check_patron_password(password, account)
    if consume(connection, purpose, token) != account["id"]:
        raise InvalidToken()
    values: dict[str, Any] = {}
    if purpose is Purpose.ACTIVATION:
        values.update(status=AccountStatus.ACTIVE, activated_at=utcnow())
    store_password(connection, account, password, **values)
    auth_session.revoke_sessions(connection, KIND, account["id"])
    action = "activated" if purpose is Purpose.ACTIVATION else "password_changed"
    reason = None if purpose is Purpose.ACTIVATION else "reset"
    add_audit(connection, action=action, outcome="ok", actor=actor(account["id"]), reason=reason)
    return account["id"]


def check_patron_password(password: str, account: dict[str, Any]) -> str:
    """The password policy, then (with SLiMS write access) that it works in SLiMS as typed;
    returns the normalised password or raises PasswordRejected."""
    password = check_policy(
        password, username=account["member_id"], words=library.current().password_words()
    )
    one_password.check_for_slims(password)
    return password


def store_password(
    connection: Connection, account: dict[str, Any], password: str, **values: Any
) -> None:
    """The one place a patron's new password is stored (activation, reset, change): the
    argon2id hash with `values`, every outstanding link of the account stops working, then,
    with SLiMS write access, the SLiMS member-area password too (`one_password`; SLiMS being
    down never stops the portal's change)."""
    revoke_account_links(connection, account["id"])
    queries.update_account(
        connection,
        account["id"],
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
        **values,
    )
    one_password.share_with_slims(connection, account, password, actor=actor(account["id"]))


def request_password_reset(connection: Connection, identifier: str) -> int:
    """Queue a reset link to each active account whose member number or e-mail is
    `identifier`; returns how many (the caller answers the same either way)."""
    identifier = identifier.strip()
    if "@" in identifier:
        found = queries.find_accounts_by_email(connection, identifier)
    else:
        account = queries.find_account(connection, normalise_member_number(identifier))
        found = [account] if account else []
    lifetime = timedelta(minutes=current_app.config["RESET_TOKEN_MINUTES"])
    sent = 0
    for account in found:
        if account["status"] != AccountStatus.ACTIVE:
            continue
        token = issue(connection, Purpose.PASSWORD_RESET, account["id"], lifetime)
        mail.queue_mail(
            connection,
            account["email"],
            "password_reset",
            member_id=account["member_id"],
            link=mail.public_url(reset_path(token)),
            minutes=current_app.config["RESET_TOKEN_MINUTES"],
            until=expiry_text(lifetime),
        )
        add_audit(
            connection, action="password_reset_requested", outcome="ok", actor=actor(account["id"])
        )
        sent += 1
    return sent


def authenticate(connection: Connection, member_id: str, password: str) -> int | None:
    """The account id when the member number and password log in, else None (one answer for
    every failure; see login_guard.authenticate). Re-hashes a hash with old parameters."""
    member_id = normalise_member_number(member_id)
    account = queries.find_account(connection, member_id) if 0 < len(member_id) <= 20 else None
    candidate = None
    if account is not None:
        refusal = None if account["status"] == AccountStatus.ACTIVE else account["status"]
        candidate = login_guard.Candidate(account["id"], account["password_hash"], refusal)
    account_id = login_guard.authenticate(
        connection, kind=KIND, username=member_id, user=candidate, password=password
    )
    if account_id is not None and account and needs_rehash(account["password_hash"]):
        queries.update_account(connection, account_id, password_hash=hash_password(password))
    return account_id


def change_password(connection: Connection, account_id: int, current: str, new: str) -> bool:
    """Replace the password when `current` is right (False otherwise); other sessions end,
    this one stays. Raises PasswordRejected for a new password the policy refuses. A wrong
    `current` counts as a failed login of the account (login_guard.verify_again)."""
    account = queries.get_account(connection, account_id)
    if account is None or not login_guard.verify_again(
        connection,
        kind=KIND,
        username=account["member_id"],
        password_hash=account["password_hash"],
        password=current,
    ):
        add_audit(
            connection,
            action="password_changed",
            outcome="refused",
            actor=actor(account_id),
            reason="wrong_password",
        )
        return False
    new = check_patron_password(new, account)
    store_password(connection, account, new)
    auth_session.revoke_sessions(connection, KIND, account_id, keep_current=True)
    add_audit(connection, action="password_changed", outcome="ok", actor=actor(account_id))
    return True


def disable_account(connection: Connection, account_id: int, *, by: str) -> int:
    """Disable the account and end its sessions at once (a membership ended); `by` is the
    audit actor. Returns how many sessions ended. Its unused links stop working too, and do
    not come back when the account is enabled again."""
    queries.update_account(connection, account_id, status=AccountStatus.DISABLED)
    revoke_account_links(connection, account_id)
    ended = auth_session.revoke_sessions(connection, KIND, account_id)
    add_audit(
        connection, action="account_disabled", outcome="ok", actor=by, reason=actor(account_id)
    )
    return ended


def enable_account(connection: Connection, account_id: int, *, by: str) -> AccountStatus:
    """Enable a disabled account again: `active` when it has a password, else
    `pending_activation` (the patron needs a new activation link). Returns the new status."""
    account = queries.get_account(connection, account_id)
    if account is None:
        raise LookupError(account_id)
    status = AccountStatus.ACTIVE if account["password_hash"] else AccountStatus.PENDING_ACTIVATION
    queries.update_account(connection, account_id, status=status)
    add_audit(
        connection, action="account_enabled", outcome="ok", actor=by, reason=actor(account_id)
    )
    return status
