import uuid

from django.db import models


class Author(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)
    born = models.DateField(null=True)
    mentor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True)


class Member(models.Model):
    user = models.OneToOneField("auth.User", on_delete=models.CASCADE)
    card = models.CharField(max_length=30, unique=True)
    friends = models.ManyToManyField("self", blank=True)
