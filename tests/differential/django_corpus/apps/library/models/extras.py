from django.db import models


class Stamp(models.Model):
    """Registered: models/__init__.py star-imports this module."""

    stamped = models.DateField()
