from django.conf import settings
from django.db import models

from apps.core.constants import NAME_LEN


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Named(TimeStamped):
    name = models.CharField(max_length=NAME_LEN)

    class Meta(TimeStamped.Meta):
        abstract = True
        indexes = [models.Index(fields=["name"], name="%(app_label)s_%(class)s_name_ix")]


class Owned(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        abstract = True


class AuditMixin:
    """Not a model: its attributes are not fields."""

    audit_label = "audit"


class Country(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=NAME_LEN, unique=True)

    class Meta:
        db_table = "countries"
        db_table_comment = "ISO 3166 countries"


class Currency(models.Model):
    id = models.SmallAutoField(primary_key=True)
    iso = models.CharField(max_length=3, unique=True, db_comment="ISO 4217 code")


class Setting(Named, Owned):
    value = models.JSONField(default=dict)
    enabled = models.BooleanField(db_default=True)
