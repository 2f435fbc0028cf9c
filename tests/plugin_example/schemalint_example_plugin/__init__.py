"""An example schemalint plugin. `rules` is registered through the entry point; `crashing` is
not registered: a project opts in with `plugins = ["schemalint_example_plugin.crashing"]`."""
