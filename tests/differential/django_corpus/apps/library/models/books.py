from django.db import models

from .people import Author, Member


class Publisher(models.Model):
    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=100)


class Book(models.Model):
    title = models.CharField(max_length=300, db_index=True)
    isbn = models.CharField(max_length=13, unique=True, null=True)
    authors = models.ManyToManyField(Author, related_name="books")
    publisher = models.ForeignKey(Publisher, on_delete=models.SET_DEFAULT, default="NONE")
    pages = models.PositiveSmallIntegerField(null=True)
    sequel = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, related_name="prequel")


class Edition(models.Model):
    book = models.ForeignKey("library.Book", on_delete=models.CASCADE)
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="editions")
    year = models.SmallIntegerField()

    class Meta:
        unique_together = ("book", "year")
        indexes = [models.Index(fields=["-year"])]


class Shelf(models.Model):
    label = models.CharField(max_length=20)
    books = models.ManyToManyField(Book, db_table="library_shelf_contents", blank=True)


class Loan(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    lent_by = models.ForeignKey("auth.User", on_delete=models.SET(None), null=True)
    clerk = models.ForeignKey("hr.Employee", on_delete=models.PROTECT, null=True, related_name="loans")
    due = models.DateField()
    returned = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book"], condition=models.Q(returned=False), name="loan_one_open_per_book"),
        ]


class BookAuthor(models.Model):
    """Django 5.2's composite primary key."""

    pk = models.CompositePrimaryKey("book_id", "position")
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    position = models.SmallIntegerField()
    role = models.CharField(max_length=20, db_default="author")


class MemberProfile(models.Model):
    """A one-to-one primary key: no id column, no extra index."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, primary_key=True)
    bio = models.TextField(blank=True)
