from .people import Author, Member
from .books import Book, BookAuthor, Edition, Loan, MemberProfile, Publisher, Shelf
from .extras import *  # noqa: F401,F403

__all__ = ["Author", "Member", "Book", "Edition", "Loan", "Publisher", "Shelf"]
