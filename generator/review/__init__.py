"""Review tools: the library at git revisions, clause diffs, lint, provenance and verify, impact,
and the Word redline, with their writers.

May import: generator.core, generator.library, generator.draft, generator.render.
"""
