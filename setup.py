# The package list is computed here because the built-in rules live in the top-level rules/
# folder (one module per code) but must install as schemalint.rules, never as `rules`.
from setuptools import find_packages, setup

setup(packages=find_packages(include=["schemalint", "schemalint.*"]) + ["schemalint.rules"])
