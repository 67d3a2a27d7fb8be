"""Saved replies with fields: "Hi {first_name}, thanks for writing to {client}!".

A saved reply is typed by the manager and filled with the author's name and
the client's; values such as a name come from the network, so the template is
read by a small scanner of our own and never through ``str.format`` (which
would let "{0.__class__}" in a template or a value reach Python objects).

- ``{name}`` and the other FIELDS are replaced; case and inner spaces are
  forgiven ("{ Name }").
- A field with no value is removed cleanly with the space or comma that goes
  with it: "Hi {name}, thanks" -> "Hi, thanks"; "{first_name}, thanks" ->
  "Thanks"; "Hi, {name}!" -> "Hi!". It is reported in ``missing``.
- An unknown field ("{nmae}") is left as typed and reported in ``unknown``.
- "{{" and "}}" are literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

FIELDS = ("name", "first_name", "client", "handle", "account")

#: What each field holds, for the saved-reply editor.
FIELD_HELP = {
    "name": "the author's name as shown on the network",
    "first_name": "the first word of the author's name (empty if the name is a handle)",
    "client": "the client's name",
    "handle": "the author's handle, with its @",
    "account": "the client account's handle, with its @",
}

_TOKEN = re.compile(r"\{\{|\}\}|\{\s*(\w+)\s*\}")
# Control characters, direction overrides and line breaks cannot come in with a value.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_HANDLE_LIKE = re.compile(r"[@_.\d/:]")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_CLOSING = ",.!?;:)…"


@dataclass(frozen=True)
class FilledReply:
    text: str
    missing: tuple[str, ...]  # fields used with no value, removed from the text
    unknown: tuple[str, ...]  # {words} that are not fields, left as typed


def _plain(value: str) -> str:
    return " ".join(_UNSAFE.sub(" ", value).split())


def _segments(template: str) -> list[tuple[bool, str, str]]:
    """(is_field, field or literal text, as typed) in order."""
    parts: list[tuple[bool, str, str]] = []
    position = 0
    for match in _TOKEN.finditer(template):
        if match.start() > position:
            parts.append((False, template[position : match.start()], ""))
        token = match.group()
        if token in ("{{", "}}"):
            parts.append((False, token[0], ""))
        elif match.group(1).lower() in FIELDS:
            parts.append((True, match.group(1).lower(), token))
        else:
            parts.append((False, token, match.group(1)))  # unknown: literal, remembered
        position = match.end()
    if position < len(template):
        parts.append((False, template[position:], ""))
    return parts


def fill(template: str, values: Mapping[str, str]) -> FilledReply:
    """``template`` with its fields replaced by ``values`` (see the module notes)."""
    out = ""
    missing: list[str] = []
    unknown: list[str] = []
    parts = _segments(template)
    capitalise = False
    for index, (is_field, content, typed) in enumerate(parts):
        if not is_field:
            if typed and typed not in unknown:
                unknown.append(typed)
            if capitalise:
                content = content.lstrip(",;:!. \t")
                if content:
                    content = content[0].upper() + content[1:]
                    capitalise = False
            out += content
            continue
        value = _plain(str(values.get(content) or ""))
        if value:
            if value.startswith("@") and out.endswith("@"):
                value = value[1:]  # "@{handle}" with a value that has its @
            out += value
            capitalise = False
            continue
        if content not in missing:
            missing.append(content)
        following = ""
        if index + 1 < len(parts) and not parts[index + 1][0]:
            following = parts[index + 1][1]
        out = out.removesuffix("@")
        if not out.strip(" \t") or out.rstrip(" \t").endswith("\n"):
            # the field began the text or a line: its comma goes, the next word is capitalised
            out = out.rstrip(" \t")
            capitalise = True
            continue
        if out.endswith((" ", "\t")) and (not following or following[0] in _CLOSING + " \t\n"):
            out = out.rstrip(" \t")
        if out.endswith((",", ";", ":")) and (not following or following[0] in _CLOSING):
            out = out[:-1]
    return FilledReply(out, tuple(missing), tuple(unknown))


def field_values(
    author_name: str, author_handle: str, client_name: str, account_handle: str
) -> dict[str, str]:
    """The FIELDS for one inbox item's author and the client answering it."""
    name = _plain(author_name or "")
    handle = _with_at(author_handle)
    return {
        "name": name,
        "first_name": _first_name(name, handle),
        "client": _plain(client_name or ""),
        "handle": handle,
        "account": _with_at(account_handle),
    }


def _with_at(handle: str) -> str:
    handle = _plain(handle or "").replace(" ", "")
    return "" if not handle.lstrip("@") else "@" + handle.lstrip("@")


def _first_name(name: str, handle: str) -> str:
    """The first word of a real name; "" when the name is a handle or has no letters."""
    words = name.split()
    if not words:
        return ""
    if handle and name.lower() == handle.lstrip("@").lower():
        return ""  # the network shows the handle as the name
    first = words[0]
    if _HANDLE_LIKE.search(first):
        return ""  # "@anna", "anna_k", "anna.k", "anna1990"
    match = _NAME_WORD.fullmatch(first.strip(",;:!?()\"'“”«»"))
    return match.group() if match else ""
