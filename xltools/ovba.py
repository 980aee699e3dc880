"""MS-OVBA: the compression of VBA source and the `dir` stream of a VBA project.

What the add-in builder needs to change VBA modules without Excel: decompress and
compress module sources (MS-OVBA 2.4.1) and read, edit and write the records of
the `dir` stream (2.3.4.2). Module streams are written as compressed source with no
p-code (MODULEOFFSET 0): the form the specification prescribes for writers, which
Excel compiles from source when it opens the file.
"""
from __future__ import annotations

import struct

CHUNK = 4096


class OvbaError(ValueError):
    pass


# ---------------------------------------------------------------- compression

def _bit_count(difference: int) -> int:
    bits = 4
    while (1 << bits) < difference:
        bits += 1
    return bits


def decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise OvbaError("not a compressed container (signature byte 0x01 missing)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise OvbaError("truncated chunk header")
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise OvbaError("bad chunk signature")
        compressed = header & 0x8000
        end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not compressed:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags & (1 << bit):
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                bits = _bit_count(len(out) - start)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                if offset > len(out) - start:
                    raise OvbaError("copy token points before the chunk")
                for _ in range(length):  # may overlap itself: byte by byte
                    out.append(out[-offset])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    p = 0
    n = len(chunk)
    while p < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if p >= n:
                break
            best_len, best_off = 0, 0
            if p > 0 and p + 3 <= n:
                bits = _bit_count(p)
                max_len = min((0xFFFF >> bits) + 3, n - p)
                for q in reversed(heads.get(chunk[p:p + 3], [])[-64:]):
                    length = 3
                    while length < max_len and chunk[q + length] == chunk[p + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, p - q
                        if length == max_len:
                            break
            if best_len >= 3:
                bits = _bit_count(p)
                out += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
                advance = best_len
            else:
                out.append(chunk[p])
                advance = 1
            for k in range(p, p + advance):
                if k + 3 <= n:
                    heads.setdefault(chunk[k:k + 3], []).append(k)
            p += advance
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        packed = _compress_chunk(chunk)
        if len(packed) <= CHUNK and not (len(packed) == CHUNK and len(chunk) == CHUNK):
            out += struct.pack("<H", 0xB000 | (len(packed) + 2 - 3)) + packed
        elif len(chunk) == CHUNK:
            out += struct.pack("<H", 0x3FFF) + chunk   # stored raw
        else:
            raise OvbaError("an incompressible final chunk longer than 3640 bytes")
    return bytes(out)


# ---------------------------------------------------------------- the dir stream

PROJECTVERSION = 0x0009
PROJECTCODEPAGE = 0x0003
PROJECTNAME = 0x0004
PROJECTMODULES = 0x000F
MODULENAME = 0x0019
MODULENAMEUNICODE = 0x0047
MODULESTREAMNAME = 0x001A
MODULESTREAMNAMEUNICODE = 0x0032
MODULEOFFSET = 0x0031
MODULECOOKIE = 0x002C
MODULETERMINATOR = 0x002B


def parse_dir(data: bytes) -> list[tuple[int, bytes]]:
    """The records of a decompressed dir stream: (id, data)."""
    records = []
    pos = 0
    while pos < len(data):
        if pos + 6 > len(data):
            raise OvbaError("truncated dir record")
        rid, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if rid == PROJECTVERSION:  # Reserved = 4, then a 4-byte major and a 2-byte minor version
            size = 6
        records.append((rid, data[pos:pos + size]))
        pos += size
    return records


def build_dir(records: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for rid, payload in records:
        if rid == PROJECTVERSION:
            out += struct.pack("<HI", rid, 4) + payload
        else:
            out += struct.pack("<HI", rid, len(payload)) + payload
    return bytes(out)


def codepage(records) -> str:
    cp = next(struct.unpack("<H", d)[0] for r, d in records if r == PROJECTCODEPAGE)
    return f"cp{cp}"


def modules(records) -> list[dict]:
    """Each module's name, stream name and source offset, with the index of its records."""
    found, current = [], None
    for i, (rid, payload) in enumerate(records):
        if rid == MODULENAME:
            current = {"first": i, "name": payload}
        elif current is not None and rid == MODULESTREAMNAME:
            current["stream"] = payload
        elif current is not None and rid == MODULEOFFSET:
            current["offset"] = struct.unpack("<I", payload)[0]
            current["offset_record"] = i
        elif current is not None and rid == MODULETERMINATOR:
            current["last"] = i
            found.append(current)
            current = None
    return found
