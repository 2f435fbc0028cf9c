"""A rule with a bug, to show that a crashing plugin is reported by name (exit code 2) while
every other rule's findings are still printed.

## What it does
Raises.

## Why it matters
It does not: it exists for schemalint's tests.

## Example
Any project.

## How to fix
Remove `schemalint_example_plugin.crashing` from `plugins`.

## How to silence
`ignore = ["XMP9"]`.
"""

from schemalint.registry import rule


@rule("XMP901", "always-crashes", "Raises on purpose (a plugin with a bug)")
def always_crashes(ctx):
    raise RuntimeError("the example plugin's deliberate bug")
