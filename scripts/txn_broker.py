#!/usr/bin/env python3
"""A test-only Kafka broker process: librdkafka 2.16's mock cluster, which (unlike Debian's
2.0.2 mock that the product links) writes COMMIT/ABORT control records, so a reader that
decodes record batches (scripts/txn_view.py) can tell committed from aborted output.
See docs/exactly-once.md, "The committed view".

It loads the librdkafka bundled in the PyPI wheel confluent-kafka==2.16.1 through ctypes
(only the C library is used, not the Python client), starts a mock cluster, creates the
topics given, and prints one JSON line: {"bootstrap_servers": "host:port,..."}.

Then it reads commands, one a line, on stdin, answering each with "ok" or "error: ...":
  topic <name> <partitions>            create a topic
  errors <api-key> <code> [<code>...]  the next requests of that type fail with these codes
It exits when stdin closes, or on SIGTERM/SIGINT.

  python3 scripts/txn_broker.py --brokers 3 --topic growth.orders:6 --topic x:1
"""

import argparse
import ctypes
import glob
import json
import os
import signal
import sys
import threading


def load_library():
    """The librdkafka shared library inside the confluent-kafka wheel (2.16)."""
    try:
        import confluent_kafka
    except ImportError:
        sys.exit("txn_broker: the confluent-kafka wheel is missing: pip install confluent-kafka==2.16.1")
    package = os.path.dirname(os.path.abspath(confluent_kafka.__file__))
    candidates = sorted(glob.glob(os.path.join(os.path.dirname(package), "confluent_kafka.libs", "librdkafka*.so*")))
    if not candidates:
        sys.exit(f"txn_broker: no bundled librdkafka next to {package}")
    lib = ctypes.CDLL(candidates[0])
    lib.rd_kafka_version_str.restype = ctypes.c_char_p
    version = lib.rd_kafka_version_str().decode()
    if tuple(int(part) for part in version.split(".")[:2]) < (2, 5):
        sys.exit(f"txn_broker: librdkafka {version} is too old (need >= 2.5 for control records and the rebalance delay)")
    lib.rd_kafka_conf_new.restype = ctypes.c_void_p
    lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_new.restype = ctypes.c_void_p
    lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.rd_kafka_mock_cluster_new.restype = ctypes.c_void_p
    lib.rd_kafka_mock_cluster_new.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
    lib.rd_kafka_mock_cluster_bootstraps.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_mock_topic_create.restype = ctypes.c_int
    lib.rd_kafka_mock_topic_create.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.rd_kafka_mock_group_initial_rebalance_delay_ms.argtypes = [ctypes.c_void_p, ctypes.c_int32]
    lib.rd_kafka_mock_push_request_errors_array.argtypes = [
        ctypes.c_void_p, ctypes.c_int16, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int)]
    lib.rd_kafka_mock_cluster_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
    lib.rd_kafka_err2name.restype = ctypes.c_char_p
    return lib, version


class Broker:
    def __init__(self, lib, brokers):
        self.lib = lib
        conf = lib.rd_kafka_conf_new()
        errstr = ctypes.create_string_buffer(512)
        # The handle only hosts the cluster; it never connects anywhere.
        lib.rd_kafka_conf_set(conf, b"log_level", b"0", errstr, len(errstr))
        self.handle = lib.rd_kafka_new(0, conf, errstr, len(errstr))  # RD_KAFKA_PRODUCER
        if not self.handle:
            sys.exit(f"txn_broker: rd_kafka_new failed: {errstr.value.decode()}")
        self.cluster = lib.rd_kafka_mock_cluster_new(self.handle, brokers)
        if not self.cluster:
            sys.exit("txn_broker: rd_kafka_mock_cluster_new failed")
        self.brokers = brokers
        # Consumers join at once instead of after the default 3 s.
        lib.rd_kafka_mock_group_initial_rebalance_delay_ms(self.cluster, 0)

    @property
    def bootstrap_servers(self):
        return self.lib.rd_kafka_mock_cluster_bootstraps(self.cluster).decode()

    def create_topic(self, name, partitions):
        err = self.lib.rd_kafka_mock_topic_create(self.cluster, name.encode(), partitions, 1)
        if err not in (0, 36):  # NO_ERROR, TOPIC_ALREADY_EXISTS
            raise RuntimeError(f"create topic {name}: {self.lib.rd_kafka_err2name(err).decode()}")

    def push_errors(self, api_key, codes):
        array = (ctypes.c_int * len(codes))(*codes)
        self.lib.rd_kafka_mock_push_request_errors_array(self.cluster, api_key, len(codes), array)

    def close(self):
        self.lib.rd_kafka_mock_cluster_destroy(self.cluster)
        self.lib.rd_kafka_destroy(self.handle)


def parse_topic(text):
    name, _, partitions = text.rpartition(":")
    if not name or not partitions.isdigit() or int(partitions) < 1:
        raise argparse.ArgumentTypeError(f"expected <name>:<partitions>, got {text!r}")
    return name, int(partitions)


def serve(broker, stop):
    """Answers stdin commands until stdin closes."""
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "topic" and len(words) == 3:
                broker.create_topic(words[1], int(words[2]))
            elif words[0] == "errors" and len(words) >= 3:
                broker.push_errors(int(words[1]), [int(code) for code in words[2:]])
            else:
                raise ValueError(f"unknown command {line.strip()!r}")
            print("ok", flush=True)
        except (ValueError, RuntimeError) as error:
            print(f"error: {error}", flush=True)
    stop.set()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--brokers", type=int, default=3)
    parser.add_argument("--topic", type=parse_topic, action="append", default=[], help="<name>:<partitions>")
    args = parser.parse_args()
    lib, version = load_library()
    broker = Broker(lib, args.brokers)
    for name, partitions in args.topic:
        broker.create_topic(name, partitions)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(json.dumps({"bootstrap_servers": broker.bootstrap_servers, "librdkafka": version}), flush=True)
    threading.Thread(target=serve, args=(broker, stop), daemon=True).start()
    while not stop.wait(0.5):
        pass
    broker.close()


if __name__ == "__main__":
    main()
