#!/usr/bin/env python3
"""Writes a clangd session in -input-style=delimited form: initialize, open
one file, then shut down. With -sync clangd answers each message before it
reads the next, so the diagnostics of the open file come before shutdown.

Usage: lsp-session.py FILE > session
"""
import json
import os
import sys


def message(obj):
    return json.dumps(obj, indent=1) + "\n---\n"


def main():
    path = os.path.abspath(sys.argv[1])
    with open(path) as f:
        text = f.read()
    root = os.path.dirname(path)
    out = sys.stdout
    out.write(message({
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {
            "processId": None,
            "rootUri": "file://" + root,
            "capabilities": {
                "textDocument": {
                    "publishDiagnostics": {"relatedInformation": True,
                                           "codeDescriptionSupport": True},
                },
            },
        },
    }))
    out.write(message({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    out.write(message({
        "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": "file://" + path, "languageId": "c",
                                    "version": 1, "text": text}},
    }))
    out.write(message({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}))
    out.write(message({"jsonrpc": "2.0", "method": "exit"}))


if __name__ == "__main__":
    main()
