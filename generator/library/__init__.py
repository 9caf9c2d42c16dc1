"""Stage 1, reading the library: load YAML with source positions, validate it against the schemas
and across documents, cache the answer, and build the typed Library of the model.

May import: generator.core.
"""
