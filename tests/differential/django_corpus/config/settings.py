# The corpus project's settings: what schemalint reads statically, and what the differential
# test imports before pointing DATABASES at its throwaway PostgreSQL.
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "apps.core",
    "apps.shop",
    "apps.library",
    "apps.hr",
    "apps.misc",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
SECRET_KEY = "corpus"
