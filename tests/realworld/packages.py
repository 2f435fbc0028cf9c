"""The real-world corpus: public packages pinned at versions that run on Django 5.2 and
SQLAlchemy 2.1, and for each what the oracle needs to build its tables."""

from __future__ import annotations

from dataclasses import dataclass, field

# (distribution, version) installed with their dependencies. Changing a pin builds a new venv.
PINS: list[tuple[str, str]] = [
    ("wagtail", "8.0.1"),
    ("django-oscar", "4.2.1"),
    ("django-filer", "3.6.0"),
    ("django-simple-history", "3.13.0"),
    ("django-polymorphic", "4.11.7"),
    ("django-mptt", "0.20.0"),
    ("django-treebeard", "5.3.1"),
    ("djangorestframework", "3.18.3"),
    ("django-waffle", "5.0.0"),
    ("django-constance", "4.4.0"),
    ("django-silk", "5.6.0"),
    ("django-post-office", "3.12.0"),
    ("django-model-utils", "5.0.0"),
    ("django-two-factor-auth", "1.18.1"),
    ("django-otp", "1.7.5"),
    ("django-phonenumber-field", "8.5.0"),
    ("django-q2", "1.11.1"),
    ("django-cities-light", "3.11"),
    ("django-activity-stream", "2.0.0"),
    ("django-invitations", "2.1.0"),
    ("django-taggit", "6.1.0"),
    ("django-modelcluster", "6.5"),
    ("apscheduler", "3.11.3"),
    ("authlib", "1.9.10"),
    ("flask-dance", "7.1.0"),
    ("advanced-alchemy", "1.12.0"),
    ("flask-security-too", "5.9.2"),
    ("flask-sqlalchemy", "3.1.1"),
    ("fastapi-users", "15.0.5"),
    ("mlflow-skinny", "3.18.0"),
    ("prefect", "3.9.1"),
]
# Installed without dependencies: their metadata caps SQLAlchemy below 2.1, their code runs on it.
NO_DEPS: list[tuple[str, str]] = [
    ("fastapi-users-db-sqlalchemy", "7.0.0"),
]


@dataclass(frozen=True)
class DjangoPackage:
    """A Django package: `apps` are its own INSTALLED_APPS entries (their tables are compared),
    `requires` the apps they need. A package with only abstract models is used the way its
    documentation shows, by a small user app (`user_models`, the app `rw_<id>`)."""

    id: str
    apps: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    settings: dict = field(default_factory=dict)
    defaults: str = ""
    """A module of documented settings defaults the project star-imports."""
    user_models: str = ""

    @property
    def user_app(self) -> str:
        return f"rw_{self.id.replace('-', '_')}"


@dataclass(frozen=True)
class SQLAlchemyPackage:
    """A SQLAlchemy package: `files` are the package's own model modules read statically (site-
    packages paths); `user_models` a module the user writes around its mixins (the module
    `rw_<id>`); `oracle` Python that builds every table in the database at `url`."""

    id: str
    oracle: str
    files: tuple[str, ...] = ()
    user_models: str = ""
    refused: tuple[str, ...] = ()
    """What the package declares but PostgreSQL refuses to create, so that `create_all` fails:
    `foreign key table(column, ...)` to columns with no unique constraint, `index name` with no
    column, `duplicate index name` (a second index of that name). The oracle leaves each out; the
    dump must hold each (the model declares it), and is compared without them."""

    @property
    def user_module(self) -> str:
        return f"rw_{self.id.replace('-', '_')}"


# Oscar's apps.py files hold more than one AppConfig: the documented INSTALLED_APPS name the class.
_OSCAR_APPS = tuple(
    f"oscar.apps.{app}.apps.{config}Config"
    for app, config in (
        ("analytics", "Analytics"),
        ("checkout", "Checkout"),
        ("address", "Address"),
        ("shipping", "Shipping"),
        ("catalogue", "Catalogue"),
        ("catalogue.reviews", "CatalogueReviews"),
        ("communication", "Communication"),
        ("partner", "Partner"),
        ("basket", "Basket"),
        ("payment", "Payment"),
        ("offer", "Offer"),
        ("order", "Order"),
        ("customer", "Customer"),
        ("search", "Search"),
        ("voucher", "Voucher"),
        ("wishlists", "Wishlists"),
    )
)

_OSCAR_DASHBOARD = ("oscar.apps.dashboard.apps.DashboardConfig",) + tuple(
    f"oscar.apps.dashboard.{app}.apps.{app.capitalize()}DashboardConfig"
    for app in (
        "catalogue",
        "communications",
        "offers",
        "orders",
        "pages",
        "partners",
        "ranges",
        "reports",
        "reviews",
        "shipping",
        "users",
        "vouchers",
    )
)

DJANGO: list[DjangoPackage] = [
    DjangoPackage(
        "wagtail",
        apps=(
            "wagtail",
            "wagtail.admin",
            "wagtail.documents",
            "wagtail.embeds",
            "wagtail.images",
            "wagtail.snippets",
            "wagtail.users",
            "wagtail.search",
            "wagtail.sites",
            "wagtail.contrib.forms",
            "wagtail.contrib.redirects",
            "wagtail.contrib.search_promotions",
            "wagtail.contrib.settings",
            "wagtail.contrib.simple_translation",
            "wagtail.locales",
        ),
        requires=("taggit", "modelcluster", "modelsearch"),
        settings={"WAGTAIL_SITE_NAME": "realworld", "WAGTAILADMIN_BASE_URL": "http://localhost"},
    ),
    DjangoPackage(
        "django-oscar",
        apps=("oscar.config.Shop", *_OSCAR_APPS, *_OSCAR_DASHBOARD),
        requires=("widget_tweaks", "haystack", "treebeard", "django_tables2", "django.contrib.flatpages"),
        defaults="oscar.defaults",
        settings={"HAYSTACK_CONNECTIONS": {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}},
    ),
    DjangoPackage("django-filer", apps=("filer",), requires=("easy_thumbnails",)),
    DjangoPackage("djangorestframework", apps=("rest_framework.authtoken",), requires=("rest_framework",)),
    DjangoPackage("django-waffle", apps=("waffle",)),
    DjangoPackage("django-constance", apps=("constance",)),
    DjangoPackage("django-silk", apps=("silk",)),
    DjangoPackage("django-post-office", apps=("post_office",)),
    DjangoPackage(
        "django-two-factor-auth",
        apps=("two_factor", "two_factor.plugins.phonenumber"),
        requires=("django_otp", "django_otp.plugins.otp_static", "django_otp.plugins.otp_totp", "phonenumber_field"),
    ),
    DjangoPackage("django-q2", apps=("django_q",)),
    DjangoPackage("django-cities-light", apps=("cities_light",)),
    DjangoPackage("django-activity-stream", apps=("actstream",)),
    DjangoPackage("django-invitations", apps=("invitations",)),
    DjangoPackage(
        "django-mptt",
        requires=("mptt",),
        user_models="""
from django.db import models
from mptt.models import MPTTModel, TreeForeignKey


class Genre(MPTTModel):
    name = models.CharField(max_length=50, unique=True)
    parent = TreeForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")

    class MPTTMeta:
        order_insertion_by = ["name"]
""",
    ),
    DjangoPackage(
        "django-treebeard",
        requires=("treebeard",),
        user_models="""
from django.db import models
from treebeard.al_tree import AL_Node
from treebeard.mp_tree import MP_Node
from treebeard.ns_tree import NS_Node


class Category(MP_Node):
    name = models.CharField(max_length=30)
    node_order_by = ["name"]


class Section(NS_Node):
    title = models.CharField(max_length=255)


class Folder(AL_Node):
    parent = models.ForeignKey("self", related_name="children_set", null=True, db_index=True, on_delete=models.CASCADE)
    sib_order = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
""",
    ),
    DjangoPackage(
        "django-polymorphic",
        requires=("polymorphic",),
        user_models="""
from django.db import models
from polymorphic.models import PolymorphicModel


class Project(PolymorphicModel):
    topic = models.CharField(max_length=30)


class ArtProject(Project):
    artist = models.CharField(max_length=30)


class ResearchProject(Project):
    supervisor = models.CharField(max_length=30)
""",
    ),
    DjangoPackage(
        "django-simple-history",
        requires=("simple_history",),
        user_models="""
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Poll(models.Model):
    question = models.CharField(max_length=200)
    pub_date = models.DateTimeField("date published")
    history = HistoricalRecords()


class Choice(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE)
    choice = models.CharField(max_length=200)
    votes = models.IntegerField()
    history = HistoricalRecords()


class Tag(models.Model):
    slug = models.SlugField(unique=True)


class TrackedModel(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    history = HistoricalRecords(inherit=True, excluded_fields=["notes"], m2m_fields=["tags"])

    class Meta:
        abstract = True


class Document(TrackedModel):
    title = models.CharField(max_length=100, unique=True)
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag)
""",
    ),
    DjangoPackage(
        "django-model-utils",
        user_models="""
from django.db import models
from model_utils import Choices
from model_utils.fields import MonitorField, StatusField
from model_utils.models import SoftDeletableModel, StatusModel, TimeFramedModel, TimeStampedModel, UUIDModel


class Article(TimeStampedModel):
    STATUS = Choices("draft", "published")
    title = models.CharField(max_length=100)
    status = StatusField()
    published_at = MonitorField(monitor="status", when=["published"])


class Offer(TimeFramedModel, StatusModel):
    STATUS = Choices("draft", "active")
    code = models.CharField(max_length=20)


class Comment(SoftDeletableModel, UUIDModel):
    body = models.TextField()
""",
    ),
]

_DECLARATIVE = """
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user"
    id = Column(Integer, primary_key=True)
    username = Column(String(40), unique=True)
"""
_CREATE_BASE = "engine = create_engine(url); models.Base.metadata.create_all(engine); engine.dispose()"

SQLALCHEMY: list[SQLAlchemyPackage] = [
    SQLAlchemyPackage(
        "apscheduler",
        files=("apscheduler/jobstores/sqlalchemy.py",),
        oracle="from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore\n"
        "store = SQLAlchemyJobStore(url=url); store.jobs_t.create(store.engine, True); store.engine.dispose()",
    ),
    SQLAlchemyPackage(
        "authlib",
        user_models=_DECLARATIVE
        + """
from authlib.integrations.sqla_oauth2 import OAuth2AuthorizationCodeMixin, OAuth2ClientMixin, OAuth2TokenMixin


class Client(Base, OAuth2ClientMixin):
    __tablename__ = "oauth2_client"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("user.id", ondelete="CASCADE"))


class AuthorizationCode(Base, OAuth2AuthorizationCodeMixin):
    __tablename__ = "oauth2_code"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("user.id", ondelete="CASCADE"))


class Token(Base, OAuth2TokenMixin):
    __tablename__ = "oauth2_token"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("user.id", ondelete="CASCADE"))
""",
        oracle=_CREATE_BASE,
    ),
    SQLAlchemyPackage(
        "flask-dance",
        user_models=_DECLARATIVE
        + """
from flask_dance.consumer.storage.sqla import OAuthConsumerMixin


class OAuth(OAuthConsumerMixin, Base):
    user_id = Column(Integer, ForeignKey(User.id))
""",
        oracle=_CREATE_BASE,
    ),
    SQLAlchemyPackage(
        "fastapi-users-db-sqlalchemy",
        user_models="""
from fastapi_users_db_sqlalchemy import SQLAlchemyBaseOAuthAccountTableUUID, SQLAlchemyBaseUserTableUUID
from fastapi_users_db_sqlalchemy.access_token import SQLAlchemyBaseAccessTokenTableUUID
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship


class Base(DeclarativeBase):
    pass


class OAuthAccount(SQLAlchemyBaseOAuthAccountTableUUID, Base):
    pass


class User(SQLAlchemyBaseUserTableUUID, Base):
    oauth_accounts: Mapped[list[OAuthAccount]] = relationship("OAuthAccount", lazy="joined")


class AccessToken(SQLAlchemyBaseAccessTokenTableUUID, Base):
    pass
""",
        oracle=_CREATE_BASE,
    ),
    SQLAlchemyPackage(
        "advanced-alchemy",
        user_models="""
import datetime
from uuid import UUID

from advanced_alchemy.base import BigIntAuditBase, UUIDAuditBase, UUIDBase
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column


class Author(UUIDAuditBase):
    name: Mapped[str] = mapped_column(String(100))
    dob: Mapped[datetime.date | None]


class Book(UUIDBase):
    title: Mapped[str] = mapped_column(String(255), unique=True)
    author_id: Mapped[UUID] = mapped_column(ForeignKey("author.id"))


class Review(BigIntAuditBase):
    body: Mapped[str]
    book_id: Mapped[UUID] = mapped_column(ForeignKey("book.id", ondelete="CASCADE"), index=True)
""",
        oracle="engine = create_engine(url); models.UUIDBase.metadata.create_all(engine); engine.dispose()",
    ),
    SQLAlchemyPackage(
        "flask-security-too",
        user_models="""
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):
    pass


class User(db.Model, fsqla.FsUserMixin):
    pass


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
    pass
""",
        oracle="from flask import Flask\napp = Flask('realworld'); app.config['SQLALCHEMY_DATABASE_URI'] = url\n"
        "models.db.init_app(app)\nwith app.app_context():\n    models.db.create_all()",
    ),
    SQLAlchemyPackage(
        "mlflow-skinny",
        files=(
            "mlflow/store/tracking/dbmodels/models.py",
            "mlflow/store/model_registry/dbmodels/models.py",
            "mlflow/store/workspace/dbmodels/models.py",
        ),
        oracle="import mlflow.store.tracking.dbmodels.models, mlflow.store.model_registry.dbmodels.models\n"
        "import mlflow.store.workspace.dbmodels.models\nfrom mlflow.store.db.base_sql_model import Base\n"
        "engine = create_engine(url); Base.metadata.create_all(engine); engine.dispose()",
        # inputs.input_uuid is not unique (the key is source and destination), and two indexes
        # name no column; mlflow's own migrations create neither the key nor those indexes.
        refused=(
            "foreign key input_tags(input_uuid)",
            "index index_trace_request_metadata_request_id",
            "index index_trace_tags_request_id",
        ),
    ),
    SQLAlchemyPackage(
        "prefect",
        files=("prefect/server/database/orm_models.py",),
        # Its trigram indexes are `gin` on varchar with no operator class: btree_gin gives one
        # (the extension adds no table; prefect's migrations use pg_trgm's instead).
        oracle="from prefect.server.database.orm_models import Base\nengine = create_engine(url)\n"
        "with engine.begin() as connection:\n    connection.exec_driver_sql('CREATE EXTENSION btree_gin')\n"
        "Base.metadata.create_all(engine); engine.dispose()",
        # Artifact.key has index=True and an Index of the same name ("ix_artifact__key", key).
        refused=("duplicate index ix_artifact__key",),
    ),
]
