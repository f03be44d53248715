"""Admin pages: manage user accounts (list, create, change role, deactivate, reset password)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from factcheck.extensions import db
from factcheck.models import Role
from factcheck.services import users as user_service
from factcheck.services.errors import ServiceError
from factcheck.web.forms import (
    ActiveForm,
    CreateUserForm,
    ResetPasswordForm,
    RoleForm,
    add_service_error,
)
from factcheck.web.permissions import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _render_users(
    create_form: CreateUserForm | None = None,
    *,
    status: int = 200,
    new_password: tuple[str, str] | None = None,
):
    return render_template(
        "admin/users.html",
        users=user_service.list_users(db.session),
        create_form=create_form or CreateUserForm(formdata=None),
        role_form=RoleForm,
        active_form=ActiveForm(formdata=None),
        reset_form=ResetPasswordForm(formdata=None),
        new_password=new_password,
    ), status


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    """List every account with the actions an admin can take."""
    return _render_users()


@bp.post("/users")
@roles_required(Role.ADMIN)
def create_user():
    """Create an account."""
    form = CreateUserForm()
    if not form.validate_on_submit():
        return _render_users(form, status=422)
    try:
        user = user_service.create_user(
            db.session,
            email=form.email.data,
            password=form.password.data,
            role=form.role.data,
            name=form.name.data or "",
            actor=current_user,
        )
    except ServiceError as exc:
        add_service_error(form, exc, "email")
        return _render_users(form, status=exc.status_code)
    flash(f"Created {user.email} ({user.role.value}).", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
@roles_required(Role.ADMIN)
def change_role(user_id: int):
    """Give an account another role."""
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the roles checker, editor or admin.", "error")
        return redirect(url_for("admin.users"))
    user = user_service.set_role(
        db.session, user_service.get_user(db.session, user_id), form.role.data, actor=current_user
    )
    flash(f"{user.email} is now {user.role.value}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def set_active(user_id: int):
    """Deactivate an account (it can no longer log in) or activate it again."""
    form = ActiveForm()
    if not form.validate_on_submit() or form.activate.data == form.deactivate.data:
        flash("Press Activate or Deactivate.", "error")
        return redirect(url_for("admin.users"))
    user = user_service.set_active(
        db.session,
        user_service.get_user(db.session, user_id),
        bool(form.activate.data),
        actor=current_user,
    )
    flash(f"{user.email} is {'active' if user.active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/password")
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    """Give an account a new generated password, shown once on the page."""
    if not ResetPasswordForm().validate_on_submit():
        return redirect(url_for("admin.users"))
    user = user_service.get_user(db.session, user_id)
    password = user_service.reset_password(db.session, user, actor=current_user)
    # Shown in this response only (not flashed into the session cookie, not stored).
    return _render_users(new_password=(user.email, password))
