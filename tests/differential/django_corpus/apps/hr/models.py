import uuid
from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Department(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    budget = models.DecimalField(max_digits=12, decimal_places=2, db_default=0)
    head = models.ForeignKey("Employee", on_delete=models.SET_NULL, null=True, related_name="+")


class Person(models.Model):
    first_name = models.CharField(max_length=50)
    last_name = models.CharField(max_length=50)
    birth_date = models.DateField(null=True)

    class Meta:
        db_table = "hr_people"


class Employee(Person):
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    salary = models.PositiveBigIntegerField()
    started = models.DateField()
    shift_start = models.TimeField(null=True)
    probation = models.DurationField(default=timedelta(days=90))
    badge = models.BinaryField(null=True)
    last_ip = models.GenericIPAddressField(null=True)
    ratio = models.FloatField(db_default=1.5)
    skills = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    level = models.SmallIntegerField(db_default=-1)
    site = models.ForeignKey("store.Warehouse", on_delete=models.SET_NULL, null=True, blank=True)


class Manager(Employee):
    reports = models.ManyToManyField(Employee, related_name="managers")
    bonus_pct = models.PositiveSmallIntegerField(default=0)


class Contractor(Person):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, parent_link=True, db_column="person_ref")
    agency = models.CharField(max_length=100, blank=True)
    hourly = models.DecimalField(max_digits=8, decimal_places=2)


class EmployeeProxy(Employee):
    class Meta:
        proxy = True
        ordering = ["last_name"]


class Timesheet(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE)
    week = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    approved_by = models.ForeignKey(Manager, on_delete=models.SET_NULL, null=True, db_column="approver")

    class Meta:
        unique_together = [("employee", "week")]
        indexes = [models.Index(fields=["week", "-hours"])]
        constraints = [models.CheckConstraint(condition=models.Q(hours__lte=80) & models.Q(hours__gte=0), name="timesheet_hours_range")]


class Badge(models.Model):
    number = models.BigAutoField(primary_key=True)
    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, primary_key=False, related_name="badge_record")
    issued = models.DateTimeField(db_default=models.functions.Now())


class ContractorNote(models.Model):
    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE)
    text = models.TextField()
