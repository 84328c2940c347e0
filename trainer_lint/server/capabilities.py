"""The server's capabilities as the ``initialize`` answer carries them, in plain JSON.

The fast start (:mod:`trainer_lint.server.start`) answers ``initialize`` before pygls is loaded,
so it cannot ask pygls what the registered features add up to; this is that answer written out.
``tests/test_server.py`` checks it against what pygls computes from the features
:func:`trainer_lint.server.app.build` registers, for clients with and without position
encodings, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from trainer_lint.server.actions import FIX_ALL, QUICKFIX

TRIGGER_CHARACTERS = [".", "=", '"', "'", "[", "{", ",", ":"]
"""``:`` is YAML's ``=``: values are offered as ``precision:`` is typed (with the space YAML needs)."""
CODE_ACTION_KINDS = [QUICKFIX, FIX_ALL]
"""``source.fixAll`` actions are what editors run on save ("fix all safe problems")."""


def capabilities(encoding: str) -> dict[str, Any]:
    """``ServerCapabilities`` for a client with position encoding ``encoding``."""
    return {
        "positionEncoding": encoding,
        "textDocumentSync": {"openClose": True, "change": 1, "save": True},  # 1: Full
        "completionProvider": {"triggerCharacters": list(TRIGGER_CHARACTERS)},
        "hoverProvider": True,
        "definitionProvider": True,
        "codeActionProvider": {"codeActionKinds": list(CODE_ACTION_KINDS)},
        "executeCommandProvider": {"commands": []},
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}, "fileOperations": {}},
    }
