"""The django.contrib models a project builds on (`AbstractUser`, `auth.User`, `Group`,
`ContentType`, `Site`), written as model source and read like any project module: a custom user
model inherits their fields, and a foreign key to `auth.User` needs the pk type of
`auth_user`. Their own tables belong to Django and are never reported.

Field lists follow Django 5.2's django/contrib/auth/{base_user,models}.py and
django/contrib/contenttypes/models.py; auth and contenttypes set
`default_auto_field = "django.db.models.AutoField"` in their AppConfigs.
"""

from __future__ import annotations

AUTH_MODELS = '''
from django.db import models
from django.contrib.contenttypes.models import ContentType


class AbstractBaseUser(models.Model):
    password = models.CharField(max_length=128)
    last_login = models.DateTimeField(blank=True, null=True)

    class Meta:
        abstract = True


class Permission(models.Model):
    name = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, models.CASCADE)
    codename = models.CharField(max_length=100)

    class Meta:
        unique_together = [["content_type", "codename"]]


class Group(models.Model):
    name = models.CharField(max_length=150, unique=True)
    permissions = models.ManyToManyField(Permission, blank=True)


class PermissionsMixin(models.Model):
    is_superuser = models.BooleanField(default=False)
    groups = models.ManyToManyField(Group, blank=True, related_name="user_set")
    user_permissions = models.ManyToManyField(Permission, blank=True, related_name="user_set")

    class Meta:
        abstract = True


class AbstractUser(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(max_length=150, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField()

    class Meta:
        abstract = True


class User(AbstractUser):
    pass
'''

CONTENTTYPES_MODELS = '''
from django.db import models


class ContentType(models.Model):
    app_label = models.CharField(max_length=100)
    model = models.CharField(max_length=100)

    class Meta:
        db_table = "django_content_type"
        unique_together = [["app_label", "model"]]
'''

SITES_MODELS = '''
from django.db import models


class Site(models.Model):
    domain = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=50)

    class Meta:
        db_table = "django_site"
'''

# module -> (source, app label, default auto field)
VIRTUAL_MODULES = {
    "django.contrib.auth.models": (AUTH_MODELS, "auth", "django.db.models.AutoField"),
    "django.contrib.auth.base_user": (AUTH_MODELS, "auth", "django.db.models.AutoField"),
    "django.contrib.contenttypes.models": (CONTENTTYPES_MODELS, "contenttypes", "django.db.models.AutoField"),
    "django.contrib.sites.models": (SITES_MODELS, "sites", "django.db.models.AutoField"),
}
