from django.apps import AppConfig


class ShopConfig(AppConfig):
    # A label that differs from the folder name, and this app's own pk type.
    name = "apps.shop"
    label = "store"
    default_auto_field = "django.db.models.AutoField"
