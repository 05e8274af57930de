"""W3C Bitstring Status List v1.0: revocation bits, GZIP then multibase base64url.

Index 0 is the leftmost bit of the first byte. The list is long enough (131,072 entries, the
spec's minimum for group privacy) that a verifier learns nothing from fetching it.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from collections.abc import Iterable

LIST_SIZE = 131_072


def encode_list(revoked: Iterable[int], size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always encodes to the same text.
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix u)")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bitstring: bytes, index: int) -> bool:
    if not 0 <= index < len(bitstring) * 8:
        raise ValueError("status index outside the list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def random_free_index(used: set[int], size: int = LIST_SIZE) -> int:
    """A random unused index: consecutive indexes would tell verifiers the order of issue."""
    if len(used) >= size:
        raise RuntimeError("the status list is full")
    while True:
        index = secrets.randbelow(size)
        if index not in used:
            return index
