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
