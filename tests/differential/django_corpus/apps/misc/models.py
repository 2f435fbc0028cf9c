"""Real-world spellings: aliased imports, imported field classes, decorators, choices."""
import functools
from decimal import Decimal

from django.contrib.postgres.functions import RandomUUID
from django.contrib.postgres.indexes import BrinIndex, BTreeIndex, HashIndex

from django.db import models as m
from django.db.models import CharField, ForeignKey, IntegerField
from django.db.models import CASCADE
from django.db.models.base import ModelBase
from django.db.models.functions import Concat, Lower, Upper

from apps.core import constants
from apps.core.fields import (
    CharCodeField, ComputedField, CounterField, CurrencyKey, FixedPointField, SkuField, TagField,
)
from apps.core.models import TimeStamped
from apps.misc.compat import with_metaclass

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


class Measurement(m.Model):
    low = m.IntegerField()
    high = m.IntegerField()
    span = m.GeneratedField(expression=m.F("high") - m.F("low"), output_field=m.IntegerField(), db_persist=True)
    weighted = m.GeneratedField(expression=m.F("high") * 2 - m.F("low"), output_field=m.IntegerField(), db_persist=True)
    label = m.CharField(max_length=20)
    shouted = m.GeneratedField(expression=Upper("label"), output_field=m.CharField(max_length=20), db_persist=True)


class Venue(m.Model):
    name = m.CharField(max_length=60)
    city = m.CharField(max_length=60, db_default="")
    floor = m.IntegerField(db_default=-2)

    class Meta:
        constraints = [
            m.UniqueConstraint(Lower("name"), "city", name="venue_name_ci_uniq"),
            m.CheckConstraint(condition=m.Q(city__in=["Oslo", "Bergen"]) | m.Q(floor__gte=0), name="venue_city_or_floor"),
        ]


class Ticket(m.Model):
    venue = m.ForeignKey(Venue, on_delete=m.CASCADE, related_name="tickets")
    ping = m.OneToOneField(Ping, on_delete=m.SET_NULL, null=True)
    seat = m.CharField(max_length=8)
    price = m.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        indexes = [m.Index(fields=["venue", "-seat"], condition=m.Q(price__gt=10), name="ticket_venue_seat_ix"), m.Index(fields=["-price"])]
        constraints = [m.CheckConstraint(condition=m.Q(price__gte=0), name="ticket_price_nonneg")]


class Overflow(m.Model):
    """Names PostgreSQL has to shorten itself: `<table>_<col>_key` / `_check` past 63 bytes."""

    reference_code_for_the_partner_system = m.CharField(max_length=30, unique=True)
    remaining_quantity_in_the_main_store = m.PositiveIntegerField()

    class Meta:
        db_table = "misc_overflow_table_whose_name_is_long_enough_to_be_cut"


class Defaults(m.Model):
    """Database defaults of every kind PostgreSQL prints back."""

    uid = m.UUIDField(db_default=RandomUUID())
    adjust = m.DecimalField(max_digits=6, decimal_places=2, db_default=Decimal("-1.50"))
    temperature = m.FloatField(db_default=-2.5)
    flag = m.BooleanField(db_default=False)
    since = m.DateField(db_default="2020-01-01")
    blank = m.TextField(db_default="")
    big = m.BigIntegerField(db_default=-5000000000)
    currency = ForeignKey("core.Currency", on_delete=CASCADE, null=True)
    countries = m.ManyToManyField("core.Country", blank=True)
    tags = m.ManyToManyField("store.Tag", blank=True, related_name="defaults")
    priority = m.IntegerField(default=1)

    class Meta:
        indexes = [
            HashIndex(fields=["uid"], name="defaults_uid_hash"),
            BrinIndex(fields=["since"], name="defaults_since_brin"),
            BTreeIndex(fields=["-big"], name="defaults_big_btree", fillfactor=80),
        ]
        constraints = [
            m.CheckConstraint(condition=m.Q(priority__in=[1, 2, 3]), name="defaults_priority_in"),
            m.UniqueConstraint(fields=["blank"], name="defaults_blank_ops", opclasses=["text_pattern_ops"]),
        ]


class Limitation(m.Model):
    """Constructs schemalint does not translate: each gives SL002 and is listed in
    KNOWN_LIMITATIONS of the differential test."""

    first = m.CharField(max_length=20)
    last = m.CharField(max_length=20)
    full = m.GeneratedField(expression=Concat("first", m.Value(" "), "last"), output_field=m.TextField(), db_persist=True)

    class Meta:
        constraints = [m.CheckConstraint(condition=m.Q(first__startswith="A"), name="limitation_first_a")]


# --------------------------------------------------------------------------- real-world model code


class Currency(m.Model):
    code = m.CharField(max_length=3, unique=True)


class Article(m.Model):
    sku = SkuField(unique=True)
    short_sku = SkuField(max_length=8)
    tag = TagField(null=True)
    weight = FixedPointField(scale=4)
    country = CharCodeField(size=3)
    hits = CounterField(default=0)
    total = ComputedField(null=True)
    currency = CurrencyKey(Currency, on_delete=m.PROTECT)


class Legacy(with_metaclass(ModelBase, m.Model)):
    legacy_name = m.CharField(max_length=12)


class Place(m.Model):
    place_name = m.CharField(max_length=20)


class RatedPlace(Place):
    """Abstract, between a concrete parent and its children."""

    rating = m.IntegerField(default=0)

    class Meta:
        abstract = True


class Restaurant(RatedPlace):
    seats = m.IntegerField()


class Branch(Place):
    """A multi-table child with its own primary key: place_ptr is a unique foreign key."""

    branch_code = m.CharField(max_length=8, primary_key=True)


class Owner(m.Model):
    owner_id = m.BigAutoField(primary_key=True)
    owner_name = m.CharField(max_length=30)


class Franchise(Place, Owner):
    owner_link = m.OneToOneField(Owner, on_delete=m.CASCADE, parent_link=True)


class Described(m.Model):
    title = m.CharField(max_length=10)
    summary = m.TextField()

    class Meta:
        abstract = True


class Page(Described):
    @property
    def summary(self):
        return self.title


class NeedsChecks(m.Model):
    checked = m.IntegerField()

    class Meta:
        required_db_features = ["supports_table_check_constraints"]


class NeedsVirtualColumns(m.Model):
    virtual = m.IntegerField()

    class Meta:
        required_db_features = ["supports_virtual_generated_columns"]
