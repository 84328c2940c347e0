"""``trainer-lint server``: a Language Server (LSP over stdio) for trainer configs.

It gives an editor what no schema can: diagnostics from every rule, code actions for every fix,
and completion, hover and go-to-definition that follow the config (the class a table names), in
TOML configs and in LightningCLI's YAML configs alike.
It lints with the same engine as ``check``, in-process, never importing torch, Lightning or the
user's code. Needs the ``lsp`` extra (``pip install "trainer-lint[lsp]"``: pygls, lsprotocol).

Layout, one concern per module:

====================  ===============================================================
``start``             the process: fast handshake and first diagnostics, then pygls
``app``               the pygls server: handlers, debouncing (thin)
``capabilities``      what ``initialize`` answers
``session``           open documents, their settings, their lint results
``diagnostics``       findings as LSP diagnostics
``actions``           code actions (fixes, suppressions, fix all)
``completion``        completion items
``hover``             hover docs
``definition``        go to a class's source
``cursor``            where the cursor is in a half-typed TOML document
``yaml_cursor``       the same for a half-typed YAML document (no YAML parser)
``shape``             what keys and values a key path takes (schema + classes)
``knowledge``         class providers: the release's Lightning snapshot, the project's resolver
``project_classes``   the project's classes a key takes, listed once per project (resolver adapter)
``text``              offsets, spans and LSP positions
====================  ===============================================================
"""

from __future__ import annotations

MISSING = (
    "trainer-lint server needs the `lsp` extra: pip install \"trainer-lint[lsp]\" "
    "(pygls and lsprotocol are not installed)"
)


def available() -> bool:
    """Whether the ``lsp`` extra is installed (checked without importing it)."""
    from importlib.util import find_spec

    return find_spec("pygls") is not None and find_spec("lsprotocol") is not None


def main() -> int:
    """Run the server on stdin/stdout; exit status 2 without the ``lsp`` extra."""
    import sys

    if not available():
        sys.stderr.write(f"trainer-lint: error: {MISSING}\n")
        return 2
    from trainer_lint.server.start import main as serve

    return serve()
