from django.conf import settings
from django.db import models


class MoneyField(models.DecimalField):
    """Money: numeric(14,2) unless told otherwise."""

    def __init__(self, *args, max_digits=14, decimal_places=2, **kwargs):
        super().__init__(*args, max_digits=max_digits, decimal_places=decimal_places, **kwargs)


class CodeField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs["unique"] = True
        super().__init__(*args, **kwargs)


class PercentField(models.PositiveSmallIntegerField):
    pass


class SkuField(models.CharField):
    """Defaults merged the long way: a literal dict, then the caller's kwargs."""

    def __init__(self, *args, **kwargs):
        defaults = {"max_length": 24, "db_index": True}
        defaults.update(kwargs)
        super().__init__(*args, **defaults)


class TagField(models.CharField):
    def __init__(self, *args, **kwargs):
        defaults = {"max_length": 40}
        super().__init__(*args, **{**defaults, **kwargs})


class FixedPointField(models.Field):
    """A bare Field whose type db_type() formats from a constructor argument."""

    def __init__(self, *args, scale=3, **kwargs):
        self.scale = scale
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["scale"] = self.scale
        return name, path, args, kwargs

    def db_type(self, connection):
        return f"numeric(12, {self.scale})"


class CharCodeField(models.Field):
    def __init__(self, *args, size=2, **kwargs):
        self.size = size
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["size"] = self.size
        return name, path, args, kwargs

    def db_type(self, connection):
        return "char(%s)" % self.size


class CounterField(models.Field):
    def get_internal_type(self):
        return "BigIntegerField"


class ComputedField(models.Field):
    """Never stored: Django makes no column for a field whose db_type() is None."""

    def db_type(self, connection):
        return None


class CurrencyKey(models.ForeignKey):
    """A ForeignKey that always points at the target's code (a setting may say otherwise)."""

    attr = "CURRENCY_KEY_FIELD"

    def __init__(self, *args, **kwargs):
        kwargs["to_field"] = getattr(settings, self.attr, "code")
        super().__init__(*args, **kwargs)
