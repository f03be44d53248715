"""Browser security headers (flask-talisman) and the reverse proxy in front (ProxyFix)."""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

TALISMAN_KEY = "factcheck.talisman"

# Only our own scripts and styles (static files: no inline script, style or event handler),
# no plugins, no framing by other sites, forms post only here. JSON-LD blocks are data, not
# scripts: the policy does not apply to them.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask) -> None:
    """Trust TRUSTED_PROXIES proxies' X-Forwarded-* headers and send the security headers;
    with HTTPS, cookies are Secure, plain HTTP is redirected and HSTS is sent."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=proxies,
            x_proto=proxies,
            x_host=proxies,
            x_port=proxies,
            x_prefix=proxies,
        )
    https = bool(app.config["HTTPS"])
    app.extensions[TALISMAN_KEY] = Talisman(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        # Links to sources on other sites do not tell them which claim a checker was on.
        referrer_policy="same-origin",
        x_content_type_options=True,
    )
