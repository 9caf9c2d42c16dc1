"""Klausul: security-clause library assembled into Word agreement drafts with coverage checklists.

The package is laid out by stage, and imports run one way, from the top down:

    cli, batch, build, output, report   the command layer: options, files, diagnostics, exit codes
    review/                              git revisions, diffs, lint, provenance, verify, redline
    render/                              writers: pure functions of the Draft model
    draft/                               assembling one agreement's Draft
    library/                             reading and checking the library files
    core/                                errors, the model, language labels, shared utilities

Each stage package's docstring says what it may import; tests/test_layers.py holds them to it.
"""

__version__ = "0.1.0"
