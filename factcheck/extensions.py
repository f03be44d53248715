"""Flask extensions, created unbound here and bound to an app in create_app."""

from flask import current_app
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from factcheck.matching import Matcher
from factcheck.models import Base

MATCHER_KEY = "factcheck.matcher"

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
# Keys come from the API's token (or the client address); limits are set on the API blueprint.
limiter = Limiter(key_func=lambda: "global", default_limits=[])
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


def get_matcher() -> Matcher:
    """Return the current app's matcher (embedder and vector index)."""
    return current_app.extensions[MATCHER_KEY]
