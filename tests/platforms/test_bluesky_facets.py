"""Facets on UTF-8 byte offsets, TID record keys and image headers: pure functions."""

from __future__ import annotations

import re
import struct

import pytest

from smmdesk.platforms.bluesky import tid_from_key
from smmdesk.platforms.bluesky_facets import detect_facets, is_handle, mention_handles
from smmdesk.platforms.bluesky_media import sniff

DIDS = {"ann.test": "did:plc:ann", "jānis.lv": "did:plc:never", "bob.bsky.social": "did:plc:bob"}
TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def spans(text: str) -> list[tuple[str, str, str]]:
    """(kind, covered text, value) for each facet, read back through the byte offsets."""
    data = text.encode("utf-8")
    out = []
    for facet in detect_facets(text, DIDS.get):
        index = facet["index"]
        (feature,) = facet["features"]
        kind = feature["$type"].rsplit("#", 1)[1]
        value = feature.get("uri") or feature.get("did") or feature.get("tag")
        covered = data[index["byteStart"] : index["byteEnd"]].decode("utf-8")
        out.append((kind, covered, value))
    return out


def test_plain_ascii() -> None:
    assert spans("Read https://example.com now @ann.test #news") == [
        ("link", "https://example.com", "https://example.com"),
        ("mention", "@ann.test", "did:plc:ann"),
        ("tag", "#news", "news"),
    ]


def test_offsets_after_emoji_and_latvian_and_cyrillic() -> None:
    text = "👍🏽🇱🇻 Ģirts un Привет! https://piemērs.lv/ceļš?x=1 @ann.test #Rīga2026 #тест"
    assert spans(text) == [
        ("link", "https://piemērs.lv/ceļš?x=1", "https://piemērs.lv/ceļš?x=1"),
        ("mention", "@ann.test", "did:plc:ann"),
        ("tag", "#Rīga2026", "Rīga2026"),
        ("tag", "#тест", "тест"),
    ]
    first = detect_facets(text, DIDS.get)[0]["index"]
    # 👍🏽 is 8 bytes, 🇱🇻 8, "Ģ" 2, each Cyrillic letter 2.
    assert first["byteStart"] == len(text[: text.index("https")].encode()) > text.index("https")


def test_trailing_punctuation_is_not_part_of_a_link_or_tag() -> None:
    assert spans("See https://example.com/a. Or (https://example.com/b), #yes! @ann.test.") == [
        ("link", "https://example.com/a", "https://example.com/a"),
        ("link", "https://example.com/b", "https://example.com/b"),
        ("tag", "#yes", "yes"),
        ("mention", "@ann.test", "did:plc:ann"),
    ]


def test_unresolvable_mentions_and_emails_stay_plain() -> None:
    assert spans("ask @nobody.test or mail me@ann.test or @ann") == []


def test_each_handle_is_resolved_once() -> None:
    calls: list[str] = []

    def resolve(handle: str) -> str | None:
        calls.append(handle)
        return DIDS.get(handle)

    detect_facets("@ann.test @ANN.test @bob.bsky.social @ann.test", resolve)
    assert calls == ["ann.test", "bob.bsky.social"]


def test_nothing_inside_a_link_becomes_a_tag_or_mention() -> None:
    assert spans("https://example.com/#frag and https://x.org/@ann.test") == [
        ("link", "https://example.com/#frag", "https://example.com/#frag"),
        ("link", "https://x.org/@ann.test", "https://x.org/@ann.test"),
    ]


def test_hashtag_rules() -> None:
    assert spans("#123 #a1 # #🙂 x#no") == [("tag", "#a1", "a1"), ("tag", "#🙂", "🙂")]
    assert spans("#" + "a" * 65) == []
    assert spans("#" + "a" * 64) == [("tag", "#" + "a" * 64, "a" * 64)]


def test_handles() -> None:
    assert is_handle("ann.bsky.social") and is_handle("x.test")
    assert not is_handle("ann") and not is_handle("-ann.test") and not is_handle("ann.1x")
    assert mention_handles("@Ann.Test and (@bob.bsky.social) a@c.d") == [
        "ann.test",
        "bob.bsky.social",
    ]


# --- TIDs ---------------------------------------------------------------------------


def _decode(tid: str) -> int:
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    value = 0
    for char in tid:
        value = value * 32 + alphabet.index(char)
    return value


def test_tid_from_uuid7_keeps_its_time_and_is_stable() -> None:
    key = "0190f3a2b4c57d8e9f0a1b2c3d4e5f60"
    tid = tid_from_key(key)
    assert TID.match(tid) and tid == tid_from_key(key)
    micros = _decode(tid) >> 10
    assert micros // 1000 == int(key[:12], 16)
    assert _decode(tid) & 0x3FF == int(key[16:], 16) & 0x3FF
    assert tid_from_key("0190f3a2-b4c5-7d8e-9f0a-1b2c3d4e5f60") == tid


def test_tids_of_keys_in_the_same_millisecond_differ_and_sort_by_time() -> None:
    a = tid_from_key("0190f3a2b4c57d8e9f0a1b2c3d4e5f60")
    b = tid_from_key("0190f3a2b4c57d8e9f0a1b2c3d4e5f61")
    later = tid_from_key("0190f3a2b4c670008000000000000000")
    assert a != b
    assert later > a and later > b


@pytest.mark.parametrize("key", ["not-a-uuid", "x" * 32, "0190f3a2b4c54d8e9f0a1b2c3d4e5f60", "é"])
def test_other_keys_still_give_valid_stable_tids(key: str) -> None:
    assert TID.match(tid_from_key(key))
    assert tid_from_key(key) == tid_from_key(key)


# --- image headers --------------------------------------------------------------------


def _jpeg(width: int, height: int, orientation: int = 0) -> bytes:
    parts = [b"\xff\xd8"]
    if orientation:
        tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1)
        tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
        payload = b"Exif\x00\x00" + tiff
        parts.append(b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload)
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x22\x00" * 3
    parts.append(b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame)
    parts.append(b"\xff\xda\x00\x02\xff\xd9")
    return b"".join(parts)


def test_image_headers() -> None:
    jpeg = sniff(_jpeg(640, 480))
    assert jpeg is not None and (jpeg.mime_type, jpeg.width, jpeg.height) == (
        "image/jpeg",
        640,
        480,
    )
    rotated = sniff(_jpeg(640, 480, orientation=6))
    assert rotated is not None and (rotated.width, rotated.height) == (480, 640)
    gif = sniff(b"GIF89a" + struct.pack("<HH", 5, 7))
    assert gif is not None and (gif.width, gif.height) == (5, 7)
    webp = sniff(b"RIFF\x00\x00\x00\x00WEBPVP8X" + b"\x00" * 8 + (99).to_bytes(3, "little") * 2)
    assert webp is not None and (webp.mime_type, webp.width, webp.height) == (
        "image/webp",
        100,
        100,
    )
    assert sniff(b"%PDF-1.7") is None
    truncated = sniff(b"\xff\xd8\xff\xe1\x00")
    assert truncated is not None and truncated.width == 0
