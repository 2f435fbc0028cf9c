from flask_sqlalchemy import SQLAlchemy

from .registry import AccountMixin, Models, TokenMixin

member_db = SQLAlchemy()
Models.bind(member_db)


class Account(member_db.Model, AccountMixin):
    pass


class Team(member_db.Model):
    id = member_db.Column(member_db.Integer, primary_key=True)
    name = member_db.Column(member_db.String(50))


class ApiToken(member_db.Model, TokenMixin):
    token = member_db.Column(member_db.String(64), nullable=False, unique=True)
