"""Self-test of txn_view.py: hand-built record batches (v2) the decoder and classifier must
read, classify or refuse."""
import struct

from txn_view import ABORT, ATTR_CONTROL, ATTR_TRANSACTIONAL, COMMIT, ViewError, classify, crc32c, decode_batches


def _varint(n):
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _varbytes(data):
    return _varint(-1) if data is None else _varint(len(data)) + data


def encode_batch(base_offset, records, pid=-1, epoch=-1, transactional=False, control=False, compression=0):
    """A record batch v2 (for the self-test): records = [(key, value, headers)]."""
    body = bytearray()
    for delta, (key, value, headers) in enumerate(records):
        record = b"\x00" + _varint(0) + _varint(delta) + _varbytes(key) + _varbytes(value) + _varint(len(headers))
        for name, hvalue in headers:
            record += _varbytes(name.encode()) + _varbytes(hvalue)
        body += _varint(len(record)) + record
    attributes = compression | (ATTR_TRANSACTIONAL if transactional else 0) | (ATTR_CONTROL if control else 0)
    after_crc = struct.pack(">hiqqqhii", attributes, len(records) - 1, 0, 0, pid, epoch, 0, len(records)) + bytes(body)
    crc = crc32c(after_crc)
    tail = struct.pack(">ibI", 0, 2, crc) + after_crc
    return struct.pack(">qi", base_offset, len(tail)) + tail


def _marker(offset, pid, kind, epoch=0):
    return encode_batch(offset, [(struct.pack(">hh", 0, kind), struct.pack(">hi", 0, 0), [])], pid, epoch, True, True)


def self_test():
    assert crc32c(b"123456789") == 0xE3069283, "CRC-32C check value"
    log = b"".join([
        encode_batch(0, [(b"plain", b"p", [("ce_id", b"x1")])]),                       # committed
        encode_batch(1, [(b"a1", b"1", []), (b"a2", b"2", [])], pid=7, transactional=True),
        encode_batch(3, [(b"b1", b"1", [("h", None)])], pid=8, transactional=True),   # interleaved
        _marker(4, 7, ABORT),                                                          # 7's two: aborted
        encode_batch(5, [(b"a3", b"3", [])], pid=7, transactional=True),
        _marker(6, 7, COMMIT),                                                         # 7's third: committed
        _marker(7, 8, COMMIT, epoch=1),                                                # 8 (bumped epoch): committed
        encode_batch(8, [(b"c1", None, [])], pid=9, transactional=True),               # never decided
    ])
    batches = decode_batches(log + encode_batch(9, [(b"cut", b"x", [])])[:-3])  # trailing partial batch
    assert len(batches) == 8, f"decoded {len(batches)} batches"
    view_ = classify(batches)
    keys = {name: [record["key"] for record in view_[name]] for name in ("committed", "aborted", "undecided")}
    assert keys == {"committed": [b"plain", b"b1", b"a3"], "aborted": [b"a1", b"a2"], "undecided": [b"c1"]}, keys
    assert view_["markers"] == {"commit": 2, "abort": 1}, view_["markers"]
    assert view_["committed"][1]["headers"] == [("h", None)]
    assert view_["undecided"][0]["value"] is None
    later = classify(decode_batches(log), start_offset=5)
    assert [record["key"] for record in later["committed"]] == [b"a3"], later
    for broken, expected in [
        (encode_batch(0, [(b"k", b"v", [])], compression=1), "compressed"),
        (bytearray(encode_batch(0, [(b"k", b"v", [])])), "CRC"),
        (_marker(0, 7, 5), "type 5"),
    ]:
        if isinstance(broken, bytearray):
            broken[-1] ^= 0xFF
        try:
            classify(decode_batches(bytes(broken)))
        except ViewError as error:
            assert expected in str(error), str(error)
        else:
            raise AssertionError(f"accepted a batch that should fail ({expected})")
    print("txn_view self-test: ok")
