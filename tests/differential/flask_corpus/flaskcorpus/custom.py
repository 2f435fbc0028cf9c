"""model_class variants: a plain Model subclass (its columns go to every model), an already
declarative class (used as it is: no generated names), and disable_autonaming."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.model import Model
from sqlalchemy.orm import declarative_base


class IdModel(Model):
    id = sa.Column(sa.Integer, primary_key=True)


custom_db = SQLAlchemy(model_class=IdModel)


class Gadget(custom_db.Model):
    label = custom_db.Column(custom_db.String(20), nullable=False)


class GadgetPart(custom_db.Model):
    gadget_id = custom_db.Column(custom_db.Integer, custom_db.ForeignKey("gadget.id"))


LegacyBase = declarative_base(metadata=sa.MetaData(naming_convention={"uq": "legacy_uq_%(column_0_name)s"}))
legacy_db = SQLAlchemy(model_class=LegacyBase)


class LegacyThing(legacy_db.Model):
    __tablename__ = "legacy_things"
    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(10), unique=True)


manual_db = SQLAlchemy(disable_autonaming=True)


class ManualName(manual_db.Model):
    __tablename__ = "manual_names"
    id = manual_db.Column(manual_db.Integer, primary_key=True)
    kind = manual_db.Column(manual_db.String(10))
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "base"}


class ManualChild(ManualName):
    extra = manual_db.Column(manual_db.String(5))
    __mapper_args__ = {"polymorphic_identity": "child"}
