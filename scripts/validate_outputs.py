#!/usr/bin/env python3
"""Validate growthstream replay outputs against the topic contracts in topics/ (SPEC §2).

Usage:
  scripts/validate_outputs.py OUTPUT_DIR [--topics DIR]   validate replay's *.jsonl files
  scripts/validate_outputs.py --topics-only [--topics DIR] validate the topics/ files only
  scripts/validate_outputs.py --self-test [--topics DIR]   prove the schemas accept good and reject bad records

Every value is checked with jsonschema's Draft202012Validator with format checking; the
topics/ files are checked first. Exit status: 0 all valid, 1 validation failures, 2 usage or
environment errors. Needs: pip install jsonschema rfc3339-validator
"""
import argparse
import json
import os
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.stderr.write("validate_outputs.py needs jsonschema: pip install jsonschema rfc3339-validator\n")
    sys.exit(2)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REQUIRED_KEYS = ["name", "role", "partitions", "replication_factor", "config", "key", "description", "value_schema"]
# replay file -> (topic file, id field that must be unique, or None)
OUTPUT_FILES = {
    "updates.jsonl": ("growth.updates.json", "update_id"),
    "level-changes.jsonl": ("growth.level-changes.json", "change_id"),
    "benefit-grants.jsonl": ("growth.benefit-grants.json", "grant_id"),
    "warnings.jsonl": ("growth.warnings.json", "warning_id"),
    "dead-letter.jsonl": ("growth.dead-letter.json", None),
}
OUTPUT_TOPIC_FILES = [topic for topic, _ in OUTPUT_FILES.values()]
INTERNAL_FILES = ["internal.state-changelog.json", "internal.repartition.json", "internal.partials.json"]
MAX_REPORTED = 20
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def default_topics_dir():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "topics")


def check_environment():
    if "date-time" not in FORMAT_CHECKER.checkers:
        sys.stderr.write("format 'date-time' is not checkable: pip install rfc3339-validator\n")
        sys.exit(2)


def validator(schema):
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER)


def describe(error):
    path = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"at {path}: {error.message}"


def input_files(topics_dir):
    """The input topics: every growth.*.json in topics/ that is no output topic (a new input
    kind is its topic file; its contract must then say role input)."""
    names = os.listdir(topics_dir) if os.path.isdir(topics_dir) else []
    return sorted(f for f in names if f.startswith("growth.") and f.endswith(".json") and f not in OUTPUT_TOPIC_FILES)


def load_topics(topics_dir):
    """Load and check every topics/ file; return ({file name: contract}, [problems])."""
    problems, topics = [], {}
    inputs = input_files(topics_dir)
    if not inputs:
        problems.append(f"{topics_dir}: no input topic file (growth.<kind>.json)")
    known = inputs + OUTPUT_TOPIC_FILES + INTERNAL_FILES
    for name in known:
        path = os.path.join(topics_dir, name)
        try:
            with open(path, encoding="utf-8") as f:
                contract = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(f"{path}: cannot load: {e}")
            continue
        topics[name] = contract
        problems += [f"{path}: {p}" for p in check_contract(name, contract)]
    extra = sorted(set(f for f in os.listdir(topics_dir) if f.endswith(".json")) - set(known)) \
        if os.path.isdir(topics_dir) else []
    problems += [f"{os.path.join(topics_dir, f)}: not a known topic file" for f in extra]
    return topics, problems


def check_contract(file_name, c):
    problems = [f"missing key '{k}'" for k in REQUIRED_KEYS if k not in c]
    if problems:
        return problems
    internal = file_name.startswith("internal.")
    expected_name = "{app_id}-" + file_name[len("internal."):-len(".json")] if internal else file_name[:-len(".json")]
    if c["name"] != expected_name:
        problems.append(f"name is {c['name']!r}, expected {expected_name!r}")
    expected_role = "internal" if internal else ("output" if file_name in OUTPUT_TOPIC_FILES else "input")
    if c["role"] != expected_role:
        problems.append(f"role is {c['role']!r}, expected {expected_role!r}")
    if not isinstance(c["partitions"], int) or c["partitions"] < 1:
        problems.append("partitions must be a positive integer")
    if not isinstance(c["replication_factor"], int) or c["replication_factor"] < 1:
        problems.append("replication_factor must be a positive integer")
    config = c["config"]
    if not isinstance(config, dict) or not all(isinstance(v, str) for v in config.values()):
        problems.append("config must map names to string values")
    elif config.get("cleanup.policy") not in ("delete", "compact", "compact,delete"):
        problems.append("config needs cleanup.policy delete or compact")
    elif "retention.ms" not in config:
        problems.append("config needs retention.ms")
    if not isinstance(c["key"], dict) or not {"type", "description"} <= set(c["key"]):
        problems.append("key needs type and description")
    schema = c["value_schema"]
    if schema is None:
        if not internal:
            problems.append("value_schema is null on a non-internal topic")
        if not str(c.get("value_format", "")).startswith("binary"):
            problems.append("an internal topic needs value_format 'binary: ...'")
    else:
        problems += check_schema(schema, "value_schema")
        if c["role"] == "output" and file_name != "growth.dead-letter.json" \
                and schema.get("additionalProperties") is not False:
            problems.append("an output value_schema must set additionalProperties: false")
    if "headers_schema" in c:
        problems += check_schema(c["headers_schema"], "headers_schema")
    if c["role"] == "output" and not isinstance(c.get("headers"), dict):
        problems.append("an output topic documents its headers in 'headers'")
    return problems


def check_schema(schema, label):
    if not isinstance(schema, dict) or schema.get("$schema") != DRAFT:
        return [f"{label} must be an object with $schema {DRAFT}"]
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as e:  # jsonschema.SchemaError
        return [f"{label} is not a valid 2020-12 schema: {getattr(e, 'message', e)}"]
    return []


def validate_line(line, contract, id_field, seen_ids, is_dead_letter, number=0):
    """Problems of one replay output line (already stripped); records its id in seen_ids."""
    try:
        record = json.loads(line)
    except ValueError as e:
        return [f"not JSON: {e}"]
    if not isinstance(record, dict):
        return ["not a JSON object"]
    wanted = {"key", "value", "headers"} if is_dead_letter else {"key", "value"}
    problems = [f"missing '{k}'" for k in sorted(wanted - set(record))]
    problems += [f"unexpected '{k}'" for k in sorted(set(record) - wanted)]
    if problems:
        return problems
    value = record["value"]
    problems += [describe(e) for e in validator(contract["value_schema"]).iter_errors(value)]
    if is_dead_letter:
        headers_schema = contract.get("headers_schema")
        if headers_schema:
            problems += ["headers " + describe(e) for e in validator(headers_schema).iter_errors(record["headers"])]
    elif isinstance(value, dict):
        if value.get("user_id") is not None and record["key"] != value["user_id"]:
            problems.append(f"key {record['key']!r} differs from user_id {value['user_id']!r}")
        if id_field and isinstance(value.get(id_field), str):
            if value[id_field] in seen_ids:
                problems.append(f"{id_field} {value[id_field]!r} repeated (line {seen_ids[value[id_field]]})")
            else:
                seen_ids[value[id_field]] = number
    return problems


def validate_dir(out_dir, topics, quiet=False):
    """Validate replay's output files; return the number of failures."""
    say = (lambda *_: None) if quiet else print
    failures = 0
    for file_name, (topic_file, id_field) in OUTPUT_FILES.items():
        path = os.path.join(out_dir, file_name)
        if not os.path.exists(path):
            say(f"FAIL {path}: missing (replay writes all five files)")
            failures += 1
            continue
        contract, seen, count, bad = topics[topic_file], {}, 0, 0
        with open(path, encoding="utf-8") as f:
            for number, raw in enumerate(f, 1):
                line = raw.strip()
                if not line:
                    continue
                count += 1
                problems = validate_line(line, contract, id_field, seen, file_name == "dead-letter.jsonl", number)
                if problems:
                    bad += 1
                    if bad <= MAX_REPORTED:
                        for p in problems:
                            say(f"FAIL {path}:{number}: {p}")
        if bad > MAX_REPORTED:
            say(f"FAIL {path}: ... {bad - MAX_REPORTED} more invalid records not shown")
        failures += bad
        say(f"{'ok  ' if bad == 0 else 'FAIL'} {file_name}: {count} records, {bad} invalid")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output_dir", nargs="?", help="directory of replay output files")
    parser.add_argument("--topics", default=default_topics_dir(), help="topics/ directory (default: the repo's)")
    parser.add_argument("--self-test", action="store_true", help="check hand-written good and bad samples")
    parser.add_argument("--topics-only", action="store_true", help="validate the topics/ files only")
    args = parser.parse_args()
    check_environment()
    topics, problems = load_topics(args.topics)
    for p in problems:
        print(f"FAIL {p}")
    if problems:
        print(f"topics: {len(problems)} problems")
        return 1
    print(f"ok   topics: {len(topics)} files valid")
    if args.self_test:
        from validate_outputs_selftest import run_self_test
        return run_self_test(topics, validate_dir, validator)
    if args.topics_only:
        return 0
    if not args.output_dir:
        parser.error("give OUTPUT_DIR, --self-test or --topics-only")
    if not os.path.isdir(args.output_dir):
        print(f"{args.output_dir}: not a directory", file=sys.stderr)
        return 2
    failures = validate_dir(args.output_dir, topics)
    print("all outputs valid" if failures == 0 else f"{failures} invalid records or missing files")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
