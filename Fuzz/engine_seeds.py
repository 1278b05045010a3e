#!/usr/bin/env python3
"""Writes the EngineFuzzer seed corpus (make fuzz-engine): programs at the extremes.

The byte layout is FuzzProgram / EngineRun in Fuzz/Sources/EngineFuzzer: a header byte
(rules = header % 3: default, max cumulative, max staged; partitions = 1 + header // 3 % 3),
then steps, each an opcode byte and its operands. Usage: engine_seeds.py DIR
"""
import hashlib
import json
import os
import sys

FIRST, LAST, NEAR, AFTER_DAYS, ANY = 0, 1, 2, 4, 5


def time(mode, value=0):
    if mode in (NEAR, 3):
        return bytes([mode]) + value.to_bytes(2, "big")
    if mode == AFTER_DAYS:
        return bytes([mode]) + value.to_bytes(2, "big")
    if mode == ANY:
        return bytes([mode]) + value.to_bytes(8, "big")
    return bytes([mode])


def repeat(n):
    return b"\x00" if n <= 1 else b"\x80" + (n - 1).to_bytes(2, "big")


def order(user, amount_mode, currency, refund, when, n):
    return bytes([1, user, amount_mode, currency, 0 if refund else 1]) + when + repeat(n)


def content(user, kind, quality, delete, when, n):
    return bytes([2, user, kind, quality, 0 if delete else 1]) + when + repeat(n)


def share(user, when, n):
    return bytes([3, user]) + when + repeat(n)


def record(topic, value):
    raw = json.dumps(value, separators=(",", ":")).encode() if not isinstance(value, bytes) else value
    return bytes([0, topic]) + len(raw).to_bytes(2, "big") + raw


def advance(when, partition=0):
    return bytes([5, partition]) + when


IDLE, RESTART = b"\x06\x00", b"\x07"


def programs():
    for header in range(9):
        # A user flooding one window with orders at the limit (1100 x the maximum, twice).
        yield bytes([header]) + order(0, 0, 0, False, time(NEAR, 1), 1100) + order(0, 1, 1, False, time(NEAR, 0), 1100) \
            + advance(time(AFTER_DAYS, 400)) + IDLE + RESTART
        # Maxima, then refunds of them, at 2000 and at 2100.
        yield bytes([header]) + order(1, 0, 0, False, time(FIRST), 64) + order(1, 0, 0, True, time(FIRST), 64) \
            + content(2, 0, 255, False, time(FIRST), 64) + content(2, 0, 255, True, time(FIRST), 8) \
            + share(3, time(FIRST), 64) + advance(time(LAST)) + order(1, 1, 0, False, time(LAST), 64) \
            + share(3, time(LAST), 64) + IDLE + RESTART + advance(time(LAST))
        # Every day for years: decay, grace, recurring benefits, signals.
        steps = b""
        for day in range(120):
            steps += order(day % 8, day % 5, day % 3, day % 7 == 0, time(AFTER_DAYS, 9), 1 + day % 3)
            steps += content(day % 8, day % 3, day * 2 % 256, day % 11 == 0, time(NEAR, 60), 1)
            if day % 17 == 0:
                steps += IDLE + RESTART
        yield bytes([header]) + steps + advance(time(LAST)) + IDLE
    # Records through the decoder: at the limit, refused and odd amounts.
    base = {"event_id": "e1", "user_id": "u1", "occurred_at": "2099-12-31T23:59:59.999Z", "order_id": "o1",
            "currency": "CNY", "status": "paid"}
    steps = b""
    for i, amount in enumerate(["999999999999.99", 999999999999.99, 1e12, "1000000000000", 1e300, -0.0, 1e-400,
                                "0", 0, 5e-324, 1.7976931348623157e308]):
        value = dict(base, event_id=f"e{i}", amount=amount)
        steps += record(0, json.dumps(value).replace("Infinity", "1e400").encode())
    yield b"\x00" + steps + steps + IDLE + RESTART
    # 70400 orders at the limit for one user in one window (64 steps of 1100; a million would
    # take the fuzzer minutes: every event past 1000 compares its id with the kept ones).
    yield b"\x01" + order(0, 0, 0, False, time(NEAR, 1), 1100) * 64 + IDLE + RESTART


def main(target):
    os.makedirs(target, exist_ok=True)
    count = 0
    for program in programs():
        with open(os.path.join(target, hashlib.sha1(program).hexdigest()), "wb") as out:
            out.write(program)
        count += 1
    print(f"engine seed corpus: {count} programs in {target}")


if __name__ == "__main__":
    main(sys.argv[1])
