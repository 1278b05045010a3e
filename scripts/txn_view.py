#!/usr/bin/env python3
"""The committed view of Kafka topics, decoded by the project itself (docs/exactly-once.md,
"The committed view").

librdkafka 2.16's mock cluster (scripts/txn_broker.py) writes COMMIT/ABORT control records
but reports no aborted transactions in fetch responses, so no librdkafka consumer filters
aborted records. This reader speaks the Kafka protocol over TCP itself (Metadata v1,
ListOffsets v1, Fetch v4 with isolation_level read_uncommitted), decodes record batches
(magic 2) and classifies every data record of each partition:

- in a non-transactional batch: committed;
- in a transactional batch (attributes bit 4): decided by the next control batch (bit 5) of
  the same producer id on that partition: control record key = version int16, type int16
  (0 ABORT, 1 COMMIT). Matching by producer id is what Kafka's own read_committed does (its
  aborted-transaction index is keyed by producer id): a marker a coordinator writes with a
  bumped epoch still closes the records of the earlier epoch;
- with no such marker after it: undecided (a transaction left open).

Compressed batches are refused (exit 2): the processor's producer uses librdkafka's default
compression.codec=none, and a reader that skipped records would prove nothing.

Output (stdout, JSON): per topic, per partition the log start offset (the mock keeps only
~5 MB per partition: a log that no longer starts at 0 has lost records), the high
watermark, the marker counts, the committed/aborted/undecided counts and the producer ids
with undecided records; and (unless --summary) the records of each class (partition,
offset, producer_id, key, value: base64 or null; headers: [name, base64 or null]).

  python3 scripts/txn_view.py --bootstrap-servers 127.0.0.1:9092 --topic growth.updates
  python3 scripts/txn_view.py --bootstrap-servers 127.0.0.1:9092 --topic x --summary --tail 500
  python3 scripts/txn_view.py --self-test
"""

import argparse
import base64
import json
import socket
import struct
import sys

ATTR_COMPRESSION = 0x07
ATTR_TRANSACTIONAL = 0x10
ATTR_CONTROL = 0x20
ABORT, COMMIT = 0, 1


class ViewError(Exception):
    """Anything that makes the view untrustworthy: it stops the reader with exit 2."""


# ---------------------------------------------------------------- CRC-32C (Castagnoli)

def _crc_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    table = CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# ---------------------------------------------------------------- primitive decoding

class Reader:
    def __init__(self, data, offset=0):
        self.data = data
        self.pos = offset

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise ViewError(f"truncated data: need {n} bytes at {self.pos} of {len(self.data)}")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt):
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))

    def int8(self): return self.unpack(">b")[0]
    def int16(self): return self.unpack(">h")[0]
    def int32(self): return self.unpack(">i")[0]
    def int64(self): return self.unpack(">q")[0]
    def uint32(self): return self.unpack(">I")[0]

    def string(self):
        n = self.int16()
        return None if n < 0 else self.take(n).decode()

    def nullable_bytes(self):
        n = self.int32()
        return None if n < 0 else self.take(n)

    def varint(self):
        shift, result = 0, 0
        while True:
            byte = self.take(1)[0]
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
            shift += 7
            if shift > 63:
                raise ViewError("varint too long")
        return (result >> 1) ^ -(result & 1)  # zigzag

    def varbytes(self):
        n = self.varint()
        return None if n < 0 else self.take(n)


# ---------------------------------------------------------------- record batches (magic 2)

def decode_batches(data, check_crc=True):
    """Complete record batches in `data` (a fetch response's records); a trailing partial
    batch (the broker cuts at max_bytes) is left out."""
    batches = []
    pos = 0
    while len(data) - pos >= 12:
        base_offset, length = struct.unpack_from(">qi", data, pos)
        if len(data) - pos - 12 < length:
            break
        batches.append(decode_batch(data[pos:pos + 12 + length], base_offset, check_crc))
        pos += 12 + length
    return batches


def decode_batch(raw, base_offset, check_crc=True):
    r = Reader(raw, 12)
    r.int32()  # partition leader epoch
    magic = r.int8()
    if magic != 2:
        raise ViewError(f"batch at offset {base_offset}: magic {magic}, only record batch v2 is decoded")
    crc = r.uint32()
    attributes = struct.unpack_from(">h", raw, r.pos)[0]
    # The 2.16 mock writes its control batches with CRC 0; data batches come from clients.
    if check_crc and crc32c(raw[r.pos:]) != crc and not (crc == 0 and attributes & ATTR_CONTROL):
        raise ViewError(f"batch at offset {base_offset}: CRC-32C mismatch")
    r.int16()
    last_offset_delta = r.int32()
    r.int64()  # base timestamp
    r.int64()  # max timestamp
    producer_id = r.int64()
    producer_epoch = r.int16()
    r.int32()  # base sequence
    count = r.int32()
    if attributes & ATTR_COMPRESSION:
        raise ViewError(
            f"batch at offset {base_offset}: compressed (codec {attributes & ATTR_COMPRESSION}); "
            "this reader decodes uncompressed batches only")
    records = []
    for _ in range(count):
        length = r.varint()
        end = r.pos + length
        r.int8()  # record attributes
        r.varint()  # timestamp delta
        offset_delta = r.varint()
        key = r.varbytes()
        value = r.varbytes()
        headers = []
        for _ in range(r.varint()):
            name = r.varbytes()
            headers.append((name.decode() if name is not None else "", r.varbytes()))
        if r.pos != end:
            raise ViewError(f"batch at offset {base_offset}: record length {length} does not match its fields")
        records.append({"offset": base_offset + offset_delta, "key": key, "value": value, "headers": headers})
    if r.pos != len(raw):
        raise ViewError(f"batch at offset {base_offset}: {len(raw) - r.pos} bytes after its records")
    return {
        "base_offset": base_offset, "next_offset": base_offset + last_offset_delta + 1,
        "transactional": bool(attributes & ATTR_TRANSACTIONAL), "control": bool(attributes & ATTR_CONTROL),
        "producer_id": producer_id, "producer_epoch": producer_epoch, "records": records,
    }


def control_type(record):
    key = record["key"]
    if key is None or len(key) < 4:
        raise ViewError(f"control record at offset {record['offset']} without a valid key")
    version, kind = struct.unpack_from(">hh", key)
    if version != 0 or kind not in (ABORT, COMMIT):
        raise ViewError(f"control record at offset {record['offset']}: version {version}, type {kind}")
    return kind


def classify(batches, start_offset=0):
    """Every data record at or after start_offset: committed, aborted or undecided, in
    offset order. A transactional record is decided by the next marker of its producer id."""
    result = {"committed": [], "aborted": [], "undecided": [], "markers": {"commit": 0, "abort": 0}}
    pending = {}  # producer id -> records of its open transaction
    for batch in batches:
        records = [record for record in batch["records"] if record["offset"] >= start_offset]
        if not records:
            continue
        pid = batch["producer_id"]
        if batch["control"]:
            for record in records:
                kind = control_type(record)
                result["markers"]["commit" if kind == COMMIT else "abort"] += 1
                decided = pending.pop(pid, [])
                result["committed" if kind == COMMIT else "aborted"].extend(decided)
            continue
        for record in records:
            record["producer_id"] = pid
            record["producer_epoch"] = batch["producer_epoch"]
        if batch["transactional"]:
            pending.setdefault(pid, []).extend(records)
        else:
            result["committed"].extend(records)
    for records in pending.values():
        result["undecided"].extend(records)
    for name in ("committed", "aborted", "undecided"):
        result[name].sort(key=lambda record: record["offset"])
    return result


# ---------------------------------------------------------------- the protocol client

class Connection:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.correlation = 0

    def request(self, api_key, version, body):
        self.correlation += 1
        client = b"txn-view"
        header = struct.pack(">hhih", api_key, version, self.correlation, len(client)) + client
        message = header + body
        self.sock.sendall(struct.pack(">i", len(message)) + message)
        size = struct.unpack(">i", self._read(4))[0]
        response = self._read(size)
        correlation = struct.unpack_from(">i", response)[0]
        if correlation != self.correlation:
            raise ViewError(f"response correlation id {correlation}, expected {self.correlation}")
        return Reader(response, 4)

    def _read(self, n):
        chunks = bytearray()
        while len(chunks) < n:
            chunk = self.sock.recv(n - len(chunks))
            if not chunk:
                raise ViewError("broker closed the connection")
            chunks += chunk
        return bytes(chunks)


def kstring(text):
    data = text.encode()
    return struct.pack(">h", len(data)) + data


class Cluster:
    def __init__(self, bootstrap_servers):
        host, port = bootstrap_servers.split(",")[0].rsplit(":", 1)
        self.bootstrap = Connection(host, int(port))
        self.brokers = {}
        self.connections = {}

    def metadata(self, topics):
        body = struct.pack(">i", len(topics)) + b"".join(kstring(topic) for topic in topics)
        r = self.bootstrap.request(3, 1, body)
        for _ in range(r.int32()):
            node, host, port = r.int32(), r.string(), r.int32()
            r.string()  # rack
            self.brokers[node] = (host, port)
        r.int32()  # controller
        leaders = {}
        for _ in range(r.int32()):
            error, name = r.int16(), r.string()
            r.int8()  # is internal
            if error:
                raise ViewError(f"metadata for {name}: error {error}")
            for _ in range(r.int32()):
                perror, partition, leader = r.int16(), r.int32(), r.int32()
                for _ in range(2):  # replicas, isr
                    for _ in range(r.int32()):
                        r.int32()
                if perror:
                    raise ViewError(f"metadata for {name}[{partition}]: error {perror}")
                leaders[(name, partition)] = leader
        return leaders

    def leader(self, node):
        if node not in self.connections:
            host, port = self.brokers[node]
            self.connections[node] = Connection(host, port)
        return self.connections[node]

    def list_offset(self, node, topic, partition, timestamp):
        body = struct.pack(">ii", -1, 1) + kstring(topic) + struct.pack(">iiq", 1, partition, timestamp)
        r = self.leader(node).request(2, 1, body)
        r.int32()
        r.string()
        r.int32()
        r.int32()
        error = r.int16()
        r.int64()
        offset = r.int64()
        if error:
            raise ViewError(f"list offsets {topic}[{partition}]: error {error}")
        return offset

    def fetch(self, node, topic, partition, offset, max_bytes=8 << 20):
        body = struct.pack(">iiiib", -1, 500, 1, max_bytes, 0) + struct.pack(">i", 1) + kstring(topic)
        body += struct.pack(">iiqi", 1, partition, offset, max_bytes)
        r = self.leader(node).request(1, 4, body)
        r.int32()  # throttle
        for _ in range(r.int32()):
            r.string()
            for _ in range(r.int32()):
                r.int32()
                error = r.int16()
                r.int64()  # high watermark
                r.int64()  # last stable offset
                aborted = r.int32()
                for _ in range(max(aborted, 0)):
                    r.int64()
                    r.int64()
                records = r.nullable_bytes()
                if error:
                    raise ViewError(f"fetch {topic}[{partition}] at {offset}: error {error}")
                return records or b""
        raise ViewError(f"fetch {topic}[{partition}]: empty response")

    def read_partition(self, node, topic, partition, check_crc=True, tail=None):
        start = self.list_offset(node, topic, partition, -2)
        high = self.list_offset(node, topic, partition, -1)
        batches = []
        offset = start if tail is None else max(start, high - tail)
        first = offset
        while offset < high:
            fetched = decode_batches(self.fetch(node, topic, partition, offset), check_crc)
            if not fetched:
                raise ViewError(f"fetch {topic}[{partition}] at {offset} (high watermark {high}) returned no batch")
            batches.extend(fetched)
            offset = fetched[-1]["next_offset"]
        return start, high, batches, first


# ---------------------------------------------------------------- the view

def b64(data):
    return None if data is None else base64.b64encode(data).decode()


def record_json(record):
    return {
        "partition": record["partition"], "offset": record["offset"], "producer_id": record["producer_id"],
        "key": b64(record["key"]), "value": b64(record["value"]),
        "headers": [[name, b64(value)] for name, value in record["headers"]],
    }


def view(bootstrap_servers, topics, summary=False, tail=None):
    """summary: counts and the producer ids with undecided records only, no CRC check; tail:
    only the last `tail` offsets of each partition (a quick look at open transactions while
    a processor runs: their records are at the end of the log)."""
    cluster = Cluster(bootstrap_servers)
    leaders = cluster.metadata(topics)
    result = {"topics": {}}
    for topic in topics:
        partitions = {}
        records = {"committed": [], "aborted": [], "undecided": []}
        for (name, partition), node in sorted(leaders.items()):
            if name != topic:
                continue
            start, high, batches, first = cluster.read_partition(node, topic, partition, not summary, tail)
            classified = classify(batches, first)
            partitions[str(partition)] = {
                "log_start": start, "high_watermark": high, "markers": classified["markers"],
                **{name: len(classified[name]) for name in records},
                "undecided_producers": sorted({record["producer_id"] for record in classified["undecided"]}),
            }
            for name in records if not summary else ():
                for record in classified[name]:
                    record["partition"] = partition
                    records[name].append(record_json(record))
        result["topics"][topic] = {"partitions": partitions, **records}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap-servers")
    parser.add_argument("--topic", action="append", default=[])
    parser.add_argument("--summary", action="store_true", help="counts only, no records, no CRC check")
    parser.add_argument("--tail", type=int, help="read only the last TAIL offsets of each partition")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        from txn_view_selftest import self_test
        self_test()
        return
    if not args.bootstrap_servers or not args.topic:
        parser.error("--bootstrap-servers and at least one --topic are required")
    try:
        json.dump(view(args.bootstrap_servers, args.topic, args.summary, args.tail), sys.stdout)
    except (ViewError, OSError) as error:
        print(f"txn_view: {error}", file=sys.stderr)
        sys.exit(2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
