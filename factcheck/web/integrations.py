"""Admin pages for integrations: API tokens (list, revoke), webhooks and their deliveries."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from factcheck.extensions import db, outbound_policy
from factcheck.models import Role
from factcheck.services import tokens, webhooks
from factcheck.services.errors import ServiceError
from factcheck.web.forms import BaseForm, CreateTokenForm, add_service_error
from factcheck.web.permissions import roles_required

bp = Blueprint("integrations", __name__, url_prefix="/admin/integrations")


class RevokeTokenForm(BaseForm):
    submit = SubmitField("Revoke")


class WebhookForm(BaseForm):
    url = StringField("Receiver URL", validators=[DataRequired(), Length(max=2000)])
    secret = PasswordField(
        "Secret (16+ characters; empty: generate one)", validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField("Register webhook")


class ToggleWebhookForm(BaseForm):
    active = HiddenField()
    submit = SubmitField("Switch")


class RetryDeliveryForm(BaseForm):
    submit = SubmitField("Retry now")


def _page(
    webhook_form: WebhookForm | None = None,
    status: int = 200,
    *,
    new_secret: tuple[int, str] | None = None,
    token_form: CreateTokenForm | None = None,
    new_token: tokens.NewToken | None = None,
):
    return render_template(
        "integrations/index.html",
        tokens=tokens.list_tokens(db.session),
        webhooks=webhooks.list_webhooks(db.session),
        deliveries=webhooks.recent_deliveries(db.session),
        revoke_form=RevokeTokenForm(formdata=None),
        toggle_form=ToggleWebhookForm(formdata=None),
        retry_form=RetryDeliveryForm(formdata=None),
        webhook_form=webhook_form or WebhookForm(formdata=None),
        new_secret=new_secret,
        token_form=token_form or CreateTokenForm(formdata=None),
        new_token=new_token,
    ), status


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """Show API tokens, webhooks and the latest deliveries."""
    return _page()


@bp.post("/tokens")
@roles_required(Role.ADMIN)
def create_token():
    """Create an API token; its secret is shown in this response only."""
    form = CreateTokenForm()
    if not form.validate_on_submit():
        return _page(token_form=form, status=422)
    try:
        new = tokens.create_token(
            db.session,
            email=form.email.data,
            name=form.name.data,
            scope=form.scope.data,
            actor=current_user,
        )
    except ServiceError as exc:
        add_service_error(form, exc, "email")
        return _page(token_form=form, status=exc.status_code)
    # Not flashed: a flash message would carry the secret in the session cookie.
    return _page(new_token=new)


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_token(token_id: int):
    """Revoke an API token."""
    if not RevokeTokenForm().validate_on_submit():
        return _page(status=400)
    token = tokens.revoke_token(db.session, token_id, actor=current_user)
    flash(f"Token “{token.name}” is revoked.", "success")
    return redirect(url_for("integrations.index"))


@bp.post("/webhooks")
@roles_required(Role.ADMIN)
def create_webhook():
    """Register a webhook; the secret is shown once when it was generated."""
    form = WebhookForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        webhook, secret = webhooks.create_webhook(
            db.session,
            url=form.url.data,
            secret=form.secret.data or "",
            actor=current_user,
            policy=outbound_policy(),
        )
    except ServiceError as exc:
        form.url.errors = [*form.url.errors, exc.message]
        return _page(form, status=exc.status_code)
    if not form.secret.data:
        # Shown in this response only: a flash message would carry it in the session cookie.
        return _page(new_secret=(webhook.id, secret))
    flash(f"Webhook {webhook.id} registered.", "success")
    return redirect(url_for("integrations.index"))


@bp.post("/webhooks/<int:webhook_id>/toggle")
@roles_required(Role.ADMIN)
def toggle_webhook(webhook_id: int):
    """Switch a webhook on or off."""
    form = ToggleWebhookForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        return _page(status=400)
    webhook = webhooks.set_active(
        db.session, webhook_id, form.active.data == "1", actor=current_user
    )
    flash(f"Webhook {webhook.id} is {'on' if webhook.active else 'off'}.", "success")
    return redirect(url_for("integrations.index"))


@bp.post("/deliveries/<int:delivery_id>/retry")
@roles_required(Role.ADMIN)
def retry_delivery(delivery_id: int):
    """Queue a failed delivery again, due now."""
    if not RetryDeliveryForm().validate_on_submit():
        return _page(status=400)
    webhooks.retry_now(db.session, delivery_id, actor=current_user)
    flash(f"Delivery {delivery_id} will be sent again now.", "success")
    return redirect(url_for("integrations.index"))
