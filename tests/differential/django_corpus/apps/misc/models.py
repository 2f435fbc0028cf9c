"""Real-world spellings: aliased imports, imported field classes, decorators, choices."""
import functools

from django.db import models as m
from django.db.models import CharField, ForeignKey, IntegerField
from django.db.models import CASCADE

from apps.core import constants
from apps.core.models import TimeStamped

LABEL_LEN = constants.SHORT + 10


def register(cls):
    return cls


class Kind(m.TextChoices):
    A = "a"
    B = "b"


@register
class Gadget(TimeStamped):
    label = CharField(max_length=LABEL_LEN)
    kind = CharField(max_length=1, choices=Kind.choices, db_default=Kind.A)
    count = IntegerField(db_default=3)
    notes = m.TextField(unique=True, null=True)
    registry = {}  # a class attribute, not a field
    VERSION = 2

    @functools.cached_property
    def display(self):
        return self.label

    def __str__(self):
        return self.label


class Widget(m.Model):
    gadget = ForeignKey(Gadget, CASCADE)
    serial = m.CharField(max_length=40)
    active = m.BooleanField(default=True)

    class Meta:
        db_table = "misc_widget_with_a_rather_long_table_name_to_test_truncation_rules"
        indexes = [m.Index(fields=["serial", "active"])]
        constraints = [m.UniqueConstraint(fields=["gadget", "serial"], name="widget_gadget_serial")]


class Note(m.Model):
    widget = ForeignKey(Widget, on_delete=m.CASCADE, null=True)
    a_really_quite_long_column_name_that_needs_hashing_when_indexed = m.CharField(max_length=5, db_index=True)
    body = m.TextField()


class Ping(m.Model):
    host = m.GenericIPAddressField()
    ok = m.BooleanField()
    took = m.DurationField(null=True)
    payload = m.JSONField(null=True)
    file = m.FileField(upload_to="x")
    image = m.ImageField(upload_to="x", null=True)
    path = m.FilePathField(path="/tmp")
    big = m.BigIntegerField(unique=True)

    class Meta:
        constraints = [m.CheckConstraint(condition=m.Q(ok=True) | m.Q(took__isnull=False), name="ping_ok_or_timed")]


class Slugged(m.Model):
    slug = m.SlugField(max_length=80, primary_key=True)
    title = m.CharField(max_length=80)


class Link(m.Model):
    source = m.ForeignKey(Slugged, on_delete=m.CASCADE, related_name="outgoing")
    target = m.ForeignKey(Slugged, on_delete=m.CASCADE, related_name="incoming")
    weight = m.PositiveIntegerField(default=1)

    class Meta:
        constraints = [m.UniqueConstraint(fields=["source", "target"], name="link_pair")]
