"""Project helpers the models call: schemalint cannot run them (what this one returns is
decided by the environment when it runs)."""

import os

import sqlalchemy as sa


def default_region():
    if os.environ.get("SACORPUS_REGION"):
        return sa.text(repr(os.environ["SACORPUS_REGION"]))
    return sa.text("'eu'")
