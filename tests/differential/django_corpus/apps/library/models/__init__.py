from .people import Author, Member
from .books import Book, Edition, Loan, Publisher, Shelf

__all__ = ["Author", "Member", "Book", "Edition", "Loan", "Publisher", "Shelf"]
