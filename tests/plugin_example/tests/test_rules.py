"""The plugin's rule cases, run by schemalint's own case runner: one test per VALID/INVALID case."""

from schemalint.testing import rule_case_tests

test_rule_case = rule_case_tests("schemalint_example_plugin.rules")
