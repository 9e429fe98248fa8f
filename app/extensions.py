"""Flask extensions, created unbound and bound in :func:`app.create_app`."""

from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.text import N_

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: ``info=PERSONAL`` on a column marks personal data: some feature's personal-data
#: section (app/contrib.py) must export and erase it, and a test checks that one does.
PERSONAL = {"personal": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = N_("Silakan masuk terlebih dahulu untuk membuka halaman ini.")
login_manager.login_message_category = "info"
# The message is flashed in the visitor's language.
login_manager.localize_callback = lambda message: gettext(message)

# Storage and switches come from the app's RATELIMIT_* settings (see create_app); the
# limits themselves are set on the views that need them (app/accounts/limits.py).
limiter = Limiter(key_func=get_remote_address)
