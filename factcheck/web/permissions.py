"""Who may see what: every view states the roles it needs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from factcheck.models import Role

ANY_ROLE = (Role.CHECKER, Role.EDITOR, Role.ADMIN)


def roles_required(*roles: Role) -> Callable:
    """Require a logged-in user with one of ROLES (admins pass every check)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                names = " or ".join(role.value for role in roles)
                abort(
                    403,
                    description=f"This page is for the {names} role; "
                    f"you are logged in as {current_user.role.value}.",
                )
            return view(*args, **kwargs)

        return wrapped

    return decorator
