"""A helper module with the same name in both twin models."""
OWNER = "twin_a"
