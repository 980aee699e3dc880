"""A writer of compound files (MS-CFB, version 3, 512-byte sectors), enough for a vbaProject.bin.

olefile reads compound files but can only overwrite a stream with one of the same size;
the add-in builder changes module sources, so it writes the whole container anew:
streams below 4096 bytes in the mini stream, the rest in regular sectors, each
storage's children as a balanced red-black tree in the order the format prescribes.
"""
from __future__ import annotations

import struct

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1


class Node:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        if len(name) > 31:
            raise ValueError(f"name too long for a compound file: {name}")
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, Node] = {}
        self.id = 0
        self.left = self.right = self.child = NOSTREAM
        self.color = BLACK
        self.start, self.size = 0, 0


def _order(name: str) -> tuple:
    """Siblings compare by name length, then by the upper-cased UTF-16 code units."""
    units = name.upper().encode("utf-16-le")
    return (len(units), [int.from_bytes(units[i:i + 2], "little") for i in range(0, len(units), 2)])


def _tree(nodes: list[Node], depth: int, max_depth: int) -> int:
    if not nodes:
        return NOSTREAM
    mid = len(nodes) // 2
    node = nodes[mid]
    node.color = RED if depth == max_depth and depth > 0 else BLACK
    node.left = _tree(nodes[:mid], depth + 1, max_depth)
    node.right = _tree(nodes[mid + 1:], depth + 1, max_depth)
    return node.id


def _height(n: int) -> int:
    h = 0
    while n:
        n //= 2
        h += 1
    return h


def write(streams: dict[str, bytes]) -> bytes:
    """streams: {"PROJECT": b"…", "VBA/dir": b"…"} — storages are made from the paths."""
    root = Node("Root Entry", ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            node = node.children.setdefault(part, Node(part, STORAGE))
        node.children[parts[-1]] = Node(parts[-1], STREAM, bytes(data))
    order: list[Node] = []

    def number(node: Node) -> None:
        node.id = len(order)
        order.append(node)
        for child in node.children.values():
            number(child)

    number(root)
    for node in order:
        if node.children:
            kids = sorted(node.children.values(), key=lambda n: _order(n.name))
            node.child = _tree(kids, 0, _height(len(kids)) - 1)

    # The mini stream: small streams, each in whole 64-byte mini sectors.
    mini = bytearray()
    minifat: list[int] = []
    big = [n for n in order if n.kind == STREAM and len(n.data) >= CUTOFF]
    for n in order:
        if n.kind == STREAM and len(n.data) < CUTOFF:
            n.size = len(n.data)
            if not n.data:
                n.start = END
                continue
            count = -(-len(n.data) // MINI)
            n.start = len(minifat)
            minifat += [n.start + k + 1 for k in range(count - 1)] + [END]
            mini += n.data + b"\0" * (count * MINI - len(n.data))
    # Regular sectors: big streams, the mini stream, the mini FAT, the directory, the FAT.
    sectors = bytearray()
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return END
        count = -(-len(data) // SECTOR)
        first = len(fat)
        fat.extend([first + k + 1 for k in range(count - 1)] + [END])
        sectors.extend(data + b"\0" * (count * SECTOR - len(data)))
        return first

    for n in big:
        n.start, n.size = place(n.data), len(n.data)
    root.start, root.size = place(bytes(mini)), len(mini)
    minifat_bytes = b"".join(struct.pack("<I", x) for x in minifat)
    if minifat_bytes:
        minifat_bytes += struct.pack("<I", FREE) * ((-len(minifat)) % (SECTOR // 4))
    first_minifat = place(minifat_bytes)
    dir_bytes = b"".join(_entry(n) for n in order)
    dir_bytes += _empty_entry() * ((-len(order)) % (SECTOR // 128))
    first_dir = place(dir_bytes)
    # FAT sectors: enough to hold entries for every sector, themselves included.
    fat_count = 1
    while (len(fat) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    if fat_count > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_start = len(fat)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREE] * (fat_count * (SECTOR // 4) - len(fat)))
    sectors.extend(b"".join(struct.pack("<I", x) for x in fat))
    difat = [fat_start + k for k in range(fat_count)] + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x003E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_count, first_dir, 0, CUTOFF, first_minifat if minifat_bytes else END,
        len(minifat_bytes) // SECTOR, END, 0,
    ) + b"".join(struct.pack("<I", x) for x in difat)
    assert len(header) == SECTOR
    return header + bytes(sectors)


def _entry(n: Node) -> bytes:
    name = n.name.encode("utf-16-le") + b"\0\0"
    start = n.start if n.kind != STORAGE else 0
    size = n.size if n.kind != STORAGE else 0
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), n.kind, n.color, n.left, n.right, n.child,
                       b"\0" * 16, 0, 0, 0, start, size)


def _empty_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)


def read(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file: {"VBA/dir": b"…"} (the add-in builder reads its template)."""
    if data[:8] != bytes.fromhex("D0CF11E0A1B11AE1"):
        raise ValueError("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise ValueError("not a valid compound file header")
    size, mini_size = 1 << shift, 1 << mini_shift
    first_dir, _, cutoff, first_minifat, _, first_difat, n_difat = struct.unpack_from("<IIIIIII", data, 48)
    difat = [x for x in struct.unpack_from("<109I", data, 76) if x < FATSECT]
    sector_at = lambda s: data[size + s * size: size + (s + 1) * size]  # noqa: E731
    d = first_difat
    if n_difat > len(data) // size:
        raise ValueError("a DIFAT longer than the file")
    for _ in range(n_difat):
        words = struct.unpack_from(f"<{size // 4}I", sector_at(d))
        difat += [x for x in words[:-1] if x < FATSECT]
        d = words[-1]
    fat = [x for s in difat for x in struct.unpack_from(f"<{size // 4}I", sector_at(s))]

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out, seen = [], set()
        while start < FATSECT and start < len(table):
            if start in seen or len(out) > limit:
                raise ValueError("a sector chain loops")
            seen.add(start)
            out.append(start)
            start = table[start]
        return out

    limit = len(data) // size + 1
    directory = b"".join(sector_at(s) for s in chain(first_dir, fat, limit))
    entries = [struct.unpack_from("<64sHBBIII16sIQQIQ", directory, i) for i in range(0, len(directory), 128)]
    root = entries[0]
    mini_stream = b"".join(sector_at(s) for s in chain(root[11], fat, limit))
    minifat = [x for s in chain(first_minifat, fat, limit) for x in struct.unpack_from(f"<{size // 4}I", sector_at(s))]
    out: dict[str, bytes] = {}
    seen: set[int] = set()

    def visit(index: int, prefix: str) -> None:
        if index == NOSTREAM or index >= len(entries) or index in seen:
            return  # a directory entry reached twice (a corrupt tree) is read once
        seen.add(index)
        name_raw, name_len, kind, _, left, right, child, *_, start, length = entries[index]
        name = name_raw[:max(name_len - 2, 0)].decode("utf-16-le")
        visit(left, prefix)
        visit(right, prefix)
        if kind == STORAGE:
            visit(child, f"{prefix}{name}/")
        elif kind == STREAM:
            if length < cutoff:
                blob = b"".join(mini_stream[s * mini_size:(s + 1) * mini_size]
                                for s in chain(start, minifat, len(minifat) + 1))
            else:
                blob = b"".join(sector_at(s) for s in chain(start, fat, limit))
            out[prefix + name] = blob[:length]

    visit(root[6], "")
    return out
