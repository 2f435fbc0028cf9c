"""Kept for old imports: the rule-case runner is public now, in `schemalint.testing`."""

from schemalint.testing import CASE_PATHS, expected_places, run_case, write_case

__all__ = ["CASE_PATHS", "expected_places", "run_case", "write_case"]
