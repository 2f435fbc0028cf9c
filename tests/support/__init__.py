"""Helpers shared by the test suites: a throwaway PostgreSQL server (`pg`) and a reader of its
catalogs in `schemalint dump --format json` shape (`catalog`)."""
