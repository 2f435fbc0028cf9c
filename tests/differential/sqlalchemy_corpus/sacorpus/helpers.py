"""Project helpers the models call: schemalint cannot run them."""

import sqlalchemy as sa


def default_region():
    return sa.text("'eu'")
