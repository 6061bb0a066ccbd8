"""HTTP bodies decoded from their Content-Encoding (gzip, deflate, brotli) without ever holding more
than a cap: a few KB of brotli can claim a GB, so no call may produce more than what is left of it."""

from __future__ import annotations

import zlib
from typing import BinaryIO

import brotli

READ = 1 << 16  # compressed bytes read at a time
STEP = 1 << 20  # decoded bytes a call may give at most (so the body is never held twice)
NAMES = {"": "identity", "identity": "identity", "gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate",
         "br": "br"}


class TooLarge(Exception):
    """The body decodes to more than the cap."""


class Damaged(Exception):
    """The body's compressed data is broken (its stream is not; the next record can be read)."""


def readable(encoding: str) -> bool:
    """Return True for a Content-Encoding this module decodes ("" or identity: none)."""
    return encoding.strip().lower() in NAMES


def decoded(stream: BinaryIO, encoding: str, limit: int) -> bytes | bytearray:
    """Return the body read from stream and decoded from `encoding`; raise TooLarge once it would
    be more than `limit` bytes (no more than that is ever held), Damaged for broken compressed
    data. Errors reading the stream itself are raised as they come (the record is damaged)."""
    name = NAMES[encoding.strip().lower()]
    if name == "identity":
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise TooLarge
        return data
    if name == "br":
        return _brotli(stream, limit)
    return _zlib(stream, limit, 16 + zlib.MAX_WBITS if name == "gzip" else zlib.MAX_WBITS)


def _zlib(stream: BinaryIO, limit: int, wbits: int) -> bytearray:
    out = bytearray()
    d = zlib.decompressobj(wbits)
    first = True
    while not d.eof and (chunk := stream.read(READ)):
        data = chunk
        while data:
            try:
                out += d.decompress(data, min(STEP, limit + 1 - len(out)))
            except zlib.error as exc:
                if first and wbits == zlib.MAX_WBITS:  # "deflate" sent raw, as servers often do
                    d, wbits = zlib.decompressobj(-zlib.MAX_WBITS), -zlib.MAX_WBITS
                    continue
                raise Damaged(str(exc)) from None
            first = False
            if len(out) > limit:
                raise TooLarge
            data = d.unconsumed_tail
    return out  # (cut off before its end: what there is, which the page reader notes as such)


def _brotli(stream: BinaryIO, limit: int) -> bytearray:
    out = bytearray()
    d = brotli.Decompressor()
    try:
        while not d.is_finished() and (chunk := stream.read(READ)):
            out += d.process(chunk, output_buffer_limit=min(STEP, limit + 1 - len(out)))
            while len(out) <= limit and not d.can_accept_more_data():
                out += d.process(b"", output_buffer_limit=min(STEP, limit + 1 - len(out)))
            if len(out) > limit:
                raise TooLarge
    except brotli.error as exc:
        raise Damaged(str(exc) or "brotli data is damaged") from None
    return out
