from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Now
from django.contrib.postgres.indexes import GinIndex

from apps.core.constants import CODE_LEN, NAME_LEN, SHORT
from apps.core.fields import CodeField, MoneyField, PercentField
from apps.core.models import AuditMixin, Named, Owned, TimeStamped


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Live"


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    HIGH = 2, "High"


class Category(Named):
    slug = models.SlugField(unique=True)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, related_name="children")


class Tag(models.Model):
    label = models.CharField(max_length=SHORT, db_index=True)


class Product(Named, Owned, AuditMixin):
    sku = CodeField()
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    price = MoneyField()
    cost = MoneyField(max_digits=10, null=True)
    discount = PercentField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, db_default=Status.DRAFT)
    priority = models.IntegerField(choices=Priority.choices, default=Priority.LOW)
    stock = models.PositiveIntegerField(db_default=0)
    weight = models.FloatField(null=True)
    tags = models.ManyToManyField(Tag, blank=True)
    related = models.ManyToManyField("self", blank=True)
    description = models.TextField(blank=True)

    class Meta:
        db_table = "products"
        indexes = [
            models.Index(fields=["-price", "stock"], name="products_price_stock_ix"),
            models.Index(fields=["status"], condition=Q(stock__gt=0), name="products_live_ix"),
            models.Index(fields=["sku"], name="products_sku_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["category"], include=["price"], name="products_cat_incl"),
            models.Index(Lower("name"), name="products_lower_name"),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="products_price_nonneg"),
            models.CheckConstraint(condition=Q(discount__lte=100), name="products_discount_max"),
        ]


class Warehouse(models.Model):
    code = models.CharField(max_length=CODE_LEN, unique=True)
    city = models.CharField(max_length=NAME_LEN, db_column="city_name")
    capacity = models.BigIntegerField(db_default=1000, db_comment="pallets")
    opened = models.DateField(null=True)

    class Meta:
        db_table = "warehouses"
        unique_together = ("city", "opened")


class StockLevel(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, to_field="code")
    quantity = models.IntegerField(default=0)

    class Meta:
        unique_together = [["product", "warehouse"]]


class Shipment(models.Model):
    warehouses = models.ManyToManyField(Warehouse, through="ShipmentStop")
    sent_at = models.DateTimeField(db_default=Now())


class ShipmentStop(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.DO_NOTHING, db_constraint=False)
    position = models.PositiveSmallIntegerField()


class Order(TimeStamped):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    number = models.CharField(max_length=20)
    total = MoneyField(db_default=Decimal("0.00"))
    note = models.TextField(null=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="order_customer_number_uniq"),
            models.UniqueConstraint(fields=["number"], condition=Q(note__isnull=True), name="order_number_plain_uniq"),
        ]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.RESTRICT, db_index=False)
    quantity = models.PositiveIntegerField()
    unit_price = MoneyField()

    class Meta:
        order_with_respect_to = "order"


class Coupon(models.Model):
    code = models.CharField(max_length=CODE_LEN)
    email = models.EmailField(null=True)
    url = models.URLField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "email"], name="coupon_code_email_uniq", nulls_distinct=False),
        ]


class ProductProxy(Product):
    class Meta:
        proxy = True


class SalesReport(models.Model):
    period = models.CharField(max_length=7)
    revenue = MoneyField()

    class Meta:
        managed = False
        db_table = "sales_report"


class Supplier(Named):
    """Inherits Named's Meta (and its `%(app_label)s_%(class)s` index name)."""

    email = models.EmailField(unique=True)
    products = models.ManyToManyField(Product, related_name="suppliers", db_constraint=False)


class Listing(models.Model):
    """Index and constraint spellings PostgreSQL prints back in its own way."""

    title = models.CharField(max_length=80)
    body = models.TextField()
    attributes = models.JSONField(default=dict)
    low = models.IntegerField()
    high = models.IntegerField()
    price = models.DecimalField(max_digits=8, decimal_places=2)
    score = models.FloatField()
    active = models.BooleanField()
    starts = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(Lower("title").desc(), "low", name="listing_title_low"),
            GinIndex(fields=["attributes"], name="listing_attrs_gin"),
            models.Index(fields=["low"], name="listing_low_active", condition=Q(active=True), include=["high"]),
            models.Index(fields=["body"], name="listing_body_ops", opclasses=["text_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(high__gte=models.F("low")) & Q(price__gt=0), name="listing_range"),
            models.CheckConstraint(condition=~Q(title=""), name="listing_title_set"),
            models.CheckConstraint(condition=Q(score__gte=0.5) | Q(active=False), name="listing_score"),
            models.CheckConstraint(condition=Q(low__gt=-10, high__lt=1000), name="listing_bounds"),
            models.CheckConstraint(condition=Q(starts__gte="2020-01-01") | Q(starts__isnull=True), name="listing_starts"),
            models.CheckConstraint(condition=Q(low__range=(0, 100)), name="listing_low_range"),
            models.CheckConstraint(condition=Q(low__gt=0, high__gt=0) | Q(active=False), name="listing_and_or"),
            models.CheckConstraint(condition=(Q(low=1) | Q(low=2)) & Q(high__lt=50), name="listing_or_and"),
            models.CheckConstraint(condition=~Q(low__in=[5, 6]) & ~(Q(high=7) | Q(high=8)), name="listing_nots"),
            models.CheckConstraint(condition=Q(low__range=(1, 9)) | Q(high__isnull=False), name="listing_range_or"),
            models.CheckConstraint(condition=~Q(low__range=(20, 30)), name="listing_not_range"),
            models.UniqueConstraint(fields=["title"], condition=Q(active=True), name="listing_active_title"),
            models.UniqueConstraint(fields=["low", "high"], name="listing_low_high", deferrable=models.Deferrable.DEFERRED),
        ]
