"""Constants and shared types imported by the model modules."""

import enum

import sqlalchemy as sa

SYMBOL_LEN = 12
NAME_LEN = SYMBOL_LEN * 10
Money = sa.Numeric(14, 4)
ShortText = sa.String(SYMBOL_LEN + 8)


class Status(enum.Enum):
    pending = "p"
    running = "r"
    finished = "f"


class Side(str, enum.Enum):
    buy = "buy"
    sell = "sell"


class Level(enum.Enum):
    low = 1
    medium = 2
    critical = 3
