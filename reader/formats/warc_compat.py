"""The warcio internals web archives rely on: brotli-compressed pages decoded (tests/test_compat.py)."""

from __future__ import annotations

from warcio.bufferedreaders import BufferedReader


class _Brotli:
    """Google's brotli decompressor in the shape warcio's readers expect (zlib's: decompress(),
    unused_data). warcio registers brotli's own Decompressor, whose method is process()."""

    unused_data = None

    def __init__(self) -> None:
        import brotli

        self._decompressor = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        return self._decompressor.process(data)


def install() -> None:
    """Let warcio decode pages sent with Content-Encoding: br."""
    BufferedReader.DECOMPRESSORS["br"] = _Brotli


def readable_encodings() -> set[str]:
    """Return the HTTP Content-Encodings warcio decodes (with "identity": none)."""
    return {"identity", *BufferedReader.get_supported_decompressors()}
