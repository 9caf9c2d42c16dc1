"""Foundation shared by every stage: the exception root and exit codes, the document model,
language labels, placeholder syntax and the worker pool.

May import: the standard library and third-party packages only; nothing else of generator.
"""
