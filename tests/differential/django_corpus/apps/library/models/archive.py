from django.db import models


class ArchivedBook(models.Model):
    """Never registered: nothing imports this module, so Django creates no table."""

    archived_title = models.CharField(max_length=50)
