from .people import Author, Member
from .books import Book, BookAuthor, Edition, Loan, MemberProfile, Publisher, Shelf

__all__ = ["Author", "Member", "Book", "Edition", "Loan", "Publisher", "Shelf"]
