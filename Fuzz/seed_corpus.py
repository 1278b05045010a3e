#!/usr/bin/env python3
"""Writes a libFuzzer seed corpus from `growthstream generate` JSONL (make fuzz).

Each input line {"topic": t, "value": v} becomes one file: a selector byte (0 orders,
1 content, 2 shares, 4 behaviors; see DecoderFuzzer.swift) followed by the record value bytes. Every
tenth line also gives a replay-line seed (selector 3). Usage: seed_corpus.py JSONL DIR
"""
import hashlib
import json
import os
import sys

SELECTORS = {"orders": 0, "content": 1, "shares": 2, "behaviors": 4}


def main(source, target):
    os.makedirs(target, exist_ok=True)
    written = 0
    with open(source, "rb") as lines:
        for number, line in enumerate(lines):
            record = json.loads(line)
            value = record["value"]
            raw = value.encode() if isinstance(value, str) else json.dumps(value, separators=(",", ":")).encode()
            seeds = [bytes([SELECTORS[record["topic"]]]) + raw]
            if number % 10 == 0:
                seeds.append(b"\x03" + line.rstrip(b"\n"))
            for seed in seeds:
                name = hashlib.sha1(seed).hexdigest()
                with open(os.path.join(target, name), "wb") as out:
                    out.write(seed)
                written += 1
    print(f"seed corpus: {written} inputs in {target}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
