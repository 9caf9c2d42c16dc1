"""Stage 2, the draft: assemble one agreement's Draft from the Library (clauses selected, parameters
resolved, Markdown parsed, coverage and follow-up computed).

May import: generator.core, generator.library.
"""
