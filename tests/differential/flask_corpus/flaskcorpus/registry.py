"""Mixins that read their names from a holder class a classmethod configures (the way
Flask-Security's fsqla models do): `Models.bind(db)` sets the attributes and builds a table."""

from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.ext.declarative import declared_attr


class Models:
    db = None
    account_table = "account"

    @classmethod
    def bind(cls, appdb, account_table="account"):
        """Called once the extension object exists."""
        cls.db = appdb
        cls.account_table = account_table
        cls.memberships = appdb.Table(
            "memberships",
            Column("account_id", Integer, ForeignKey(f"{cls.account_table}.id")),
            Column("team_id", Integer, ForeignKey("team.id")),
        )


class AccountMixin:
    id = Column(Integer, primary_key=True)
    email = Column(String(255), unique=True, nullable=False)

    try:
        import json as optional_pkg  # noqa: F401

        @declared_attr
        def teams(cls):
            return Models.db.relationship("Team", secondary=Models.memberships, backref="accounts")

    except ImportError:
        pass


class TokenMixin:
    id = Column(Integer, primary_key=True)

    @declared_attr
    def account_id(cls):
        return Column(Integer, ForeignKey(f"{Models.account_table}.id", ondelete="CASCADE"), nullable=False)
