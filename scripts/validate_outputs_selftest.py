"""Self-test of validate_outputs.py: hand-written records the topic schemas must accept or reject."""
import copy
import json
import os
import tempfile

TS = "2026-03-01T08:01:00+08:00"
DIMS = {d: {"raw": 10.0, "capped": 10.0, "weighted": 4.0} for d in ("consumption", "interaction", "propagation")}
UPDATE = {"update_id": "upd-1", "user_id": "u000001", "window_start": "2026-03-01T08:00:00+08:00",
          "window_end": TS, "points": DIMS, "delta": 12.0, "growth_after": 112.0, "level_after": 2,
          "event_ids": ["o-1", "c-2"], "late": False, "rule_version": "2026-11-01"}
CHANGE = {"change_id": "chg-1", "user_id": "u000001", "from_level": 1, "to_level": 3, "from_name": "Bronze",
          "to_name": "Gold", "direction": "up", "reason": "threshold_reached", "growth": 320.5,
          "period_growth": None, "occurred_at": TS, "rule_version": "2026-11-01"}
GRANT = {"grant_id": "gr-1", "user_id": "u000001", "action": "grant", "benefit_id": "gold-monthly",
         "benefit_name": "Gold monthly voucher", "kind": "voucher", "level": 3, "period": "2026-03",
         "valid_from": TS, "valid_until": "2026-04-01T00:00:00+08:00", "occurred_at": TS,
         "rule_version": "2026-11-01"}
WARNING = {"warning_id": "w-1", "kind": "ltv_swing", "scope": "user", "user_id": "u000001",
           "period_start": "2026-03-01T00:00:00+08:00", "period_end": "2026-04-01T00:00:00+08:00",
           "value": 0.42, "baseline": 1200.0, "threshold": 0.15, "message": "LTV rose 42%",
           "occurred_at": "2026-04-01T00:00:00+08:00", "rule_version": "2026-11-01"}
PLATFORM_WARNING = {k: v for k, v in WARNING.items() if k != "user_id"}
PLATFORM_WARNING.update(warning_id="w-2", kind="behavior_dominance", scope="platform", baseline=None, value=0.71,
                        threshold=0.6)
RULES_WARNING = {k: v for k, v in WARNING.items() if k != "user_id"}
RULES_WARNING.update(warning_id="w-3", kind="benefit_gap", scope="rules", level=3, period_start=None, period_end=None,
                     value=0.1, baseline=100.0, threshold=0.2, message="levels 2 -> 3 gap 10%")
DEAD_LETTER_HEADERS = {"error_code": "invalid_amount", "error_message": "amount is not a decimal",
                       "source_topic": "growth.orders", "source_partition": "0", "source_offset": "17",
                       "source_timestamp": "1772323260000", "rule_version": "2026-11-01"}
ORDER = {"event_id": "o-1", "user_id": "u000001", "occurred_at": TS, "order_id": "ord-1",
         "amount": "129.50", "currency": "CNY", "status": "paid"}
CONTENT = {"event_id": "c-1", "user_id": "u000001", "occurred_at": "2026-03-01T00:01:00Z", "content_id": "ct-1",
           "kind": "video", "action": "deleted", "quality": 0.8}
SHARE = {"event_id": "s-1", "user_id": "u000001", "occurred_at": TS, "channel": "", "content_id": None}
BEHAVIOR = {"event_id": "b-1", "user_id": "u000001", "occurred_at": TS, "action": "study_minutes", "quantity": 25}


def changed(base, **updates):
    record = copy.deepcopy(base)
    for key, value in updates.items():
        if value is DROP:
            record.pop(key, None)
        else:
            record[key] = value
    return record


DROP = object()

# (topic file, sample, should be valid, label)
SAMPLES = [
    ("growth.updates.json", UPDATE, True, "update"),
    ("growth.updates.json", changed(UPDATE, late=True, delta=-3.5, growth_after=0), True, "late negative update"),
    ("growth.updates.json", changed(UPDATE, rule_version=DROP), False, "update without rule_version"),
    ("growth.updates.json", changed(UPDATE, points={"consumption": DIMS["consumption"]}), True,
     "rules with one dimension"),
    ("growth.updates.json", changed(UPDATE, points=dict(DIMS, learning=DIMS["consumption"])), True,
     "rules with a fourth dimension"),
    ("growth.updates.json", changed(UPDATE, points={}), False, "no dimension"),
    ("growth.updates.json", changed(UPDATE, points={"Learning": DIMS["consumption"]}), False,
     "dimension name not [a-z_]+"),
    ("growth.updates.json", changed(UPDATE, points={"d" * n: DIMS["consumption"] for n in range(1, 10)}), False,
     "nine dimensions"),
    ("growth.updates.json", changed(UPDATE, points=dict(DIMS, learning={"raw": 1.0})), False,
     "dimension without capped and weighted"),
    ("growth.updates.json", changed(UPDATE, growth_after=-1), False, "negative growth_after"),
    ("growth.updates.json", changed(UPDATE, window_end="2026-03-01 08:01:00"), False, "timestamp without T/offset"),
    ("growth.updates.json", changed(UPDATE, window_end="2026-03-01T08:01:00"), False, "timestamp without offset"),
    ("growth.updates.json", changed(UPDATE, late="no"), False, "late not boolean"),
    ("growth.updates.json", changed(UPDATE, event_ids=[]), False, "no event ids"),
    ("growth.updates.json", changed(UPDATE, extra=1), False, "unknown field"),
    ("growth.level-changes.json", CHANGE, True, "level change up"),
    ("growth.level-changes.json", changed(CHANGE, direction="down", reason="maintenance_failed", from_level=4,
                                          to_level=3, period_growth=12.0), True, "staged fall"),
    ("growth.level-changes.json", changed(CHANGE, reason="promoted"), False, "unknown reason"),
    ("growth.level-changes.json", changed(CHANGE, reason="annual_decay"), False, "decay going up"),
    ("growth.level-changes.json", changed(CHANGE, to_level=0), False, "level 0"),
    ("growth.level-changes.json", changed(CHANGE, period_growth=DROP), False, "period_growth missing"),
    ("growth.benefit-grants.json", GRANT, True, "monthly grant"),
    ("growth.benefit-grants.json", changed(GRANT, action="revoke", period=None, valid_until=None), True,
     "on_reach revoke"),
    ("growth.benefit-grants.json", changed(GRANT, period="2026-Q2"), True, "quarterly grant"),
    ("growth.benefit-grants.json", changed(GRANT, period="March"), False, "bad period"),
    ("growth.benefit-grants.json", changed(GRANT, action="granted"), False, "bad action"),
    ("growth.benefit-grants.json", changed(GRANT, valid_until="soon"), False, "bad valid_until"),
    ("growth.warnings.json", WARNING, True, "user warning"),
    ("growth.warnings.json", PLATFORM_WARNING, True, "platform warning"),
    ("growth.warnings.json", changed(WARNING, user_id=DROP), False, "user warning without user_id"),
    ("growth.warnings.json", changed(WARNING, kind="churn_risk", scope="platform", user_id=DROP), False,
     "churn at platform scope"),
    ("growth.warnings.json", changed(WARNING, kind="spam"), False, "unknown kind"),
    ("growth.warnings.json", changed(WARNING, baseline="1200"), False, "baseline as string"),
    ("growth.warnings.json", RULES_WARNING, True, "rules warning without a period"),
    ("growth.warnings.json", changed(RULES_WARNING, period_start=TS), False, "rules warning with a period start"),
    ("growth.warnings.json", changed(RULES_WARNING, period_end=TS), False, "rules warning with a period end"),
    ("growth.warnings.json", changed(WARNING, period_start=None), False, "user warning without a period start"),
    ("growth.warnings.json", changed(PLATFORM_WARNING, period_end=None), False, "platform warning without a period end"),
    ("growth.dead-letter.json", "{not json", True, "dead-letter raw string"),
    ("growth.dead-letter.json", {"anything": [1, 2]}, True, "dead-letter object"),
    ("growth.orders.json", ORDER, True, "order"),
    ("growth.orders.json", changed(ORDER, amount=12.5, status="refunded", extra="ignored"), True, "numeric refund"),
    ("growth.orders.json", changed(ORDER, amount="12,50"), False, "comma amount"),
    ("growth.orders.json", changed(ORDER, amount=-1), False, "negative amount"),
    ("growth.orders.json", changed(ORDER, amount="1234567890123"), False, "13 integer digits"),
    ("growth.orders.json", changed(ORDER, amount=True), False, "boolean amount"),
    ("growth.orders.json", changed(ORDER, occurred_at="1999-12-31T23:59:59Z"), False, "year 1999"),
    ("growth.orders.json", changed(ORDER, status=None), False, "null status"),
    ("growth.orders.json", changed(ORDER, event_id=""), False, "empty event_id"),
    ("growth.content.json", CONTENT, True, "content deletion"),
    ("growth.content.json", changed(CONTENT, quality=None), True, "null quality"),
    ("growth.content.json", changed(CONTENT, quality=1.5), False, "quality above 1"),
    ("growth.content.json", changed(CONTENT, action="edited"), False, "unknown action"),
    ("growth.shares.json", SHARE, True, "share"),
    ("growth.shares.json", changed(SHARE, channel=DROP), False, "share without channel"),
    ("growth.behaviors.json", BEHAVIOR, True, "behaviour"),
    ("growth.behaviors.json", changed(BEHAVIOR, quantity=DROP), True, "behaviour without quantity"),
    ("growth.behaviors.json", changed(BEHAVIOR, quantity=None), True, "behaviour with null quantity"),
    ("growth.behaviors.json", changed(BEHAVIOR, quantity=-1), False, "negative quantity"),
    ("growth.behaviors.json", changed(BEHAVIOR, quantity="3"), False, "quantity not a number"),
    ("growth.behaviors.json", changed(BEHAVIOR, action=DROP), False, "behaviour without action"),
]


def run_self_test(topics, validate_dir, validator):
    failures = 0
    for topic_file, sample, should_pass, label in SAMPLES:
        errors = list(validator(topics[topic_file]["value_schema"]).iter_errors(sample))
        if (not errors) != should_pass:
            failures += 1
            why = "; ".join(e.message for e in errors) or "no error"
            print(f"FAIL self-test {label} ({topic_file}): expected {'valid' if should_pass else 'invalid'}: {why}")
    headers = validator(topics["growth.dead-letter.json"]["headers_schema"])
    if list(headers.iter_errors(DEAD_LETTER_HEADERS)):
        failures += 1
        print("FAIL self-test: good dead-letter headers rejected")
    if not list(headers.iter_errors(changed(DEAD_LETTER_HEADERS, error_code="oops"))):
        failures += 1
        print("FAIL self-test: unknown dead-letter error_code accepted")
    failures += directory_round_trip(topics, validate_dir)
    print(f"self-test: {len(SAMPLES) + 2} samples and 4 directories, {failures} failures")
    return 0 if failures == 0 else 1


def directory_round_trip(topics, validate_dir):
    """A good output directory passes; each kind of damage makes it fail."""
    good = {
        "updates.jsonl": [{"key": "u000001", "value": UPDATE}],
        "level-changes.jsonl": [{"key": "u000001", "value": CHANGE}],
        "benefit-grants.jsonl": [{"key": "u000001", "value": GRANT}],
        "warnings.jsonl": [{"key": "u000001", "value": WARNING}, {"key": "platform", "value": PLATFORM_WARNING},
                           {"key": "rules:level:3", "value": RULES_WARNING}],
        "dead-letter.jsonl": [{"key": "u000001", "value": "{oops", "headers": DEAD_LETTER_HEADERS}],
    }
    cases = [
        ("good", good, True),
        ("repeated id", dict(good, **{"updates.jsonl": good["updates.jsonl"] * 2}), False),
        ("key differs from user_id", dict(good, **{"level-changes.jsonl": [{"key": "u9", "value": CHANGE}]}), False),
        ("dead letter without headers", dict(good, **{"dead-letter.jsonl": [{"key": "u1", "value": "x"}]}), False),
    ]
    failures = 0
    for label, files, should_pass in cases:
        with tempfile.TemporaryDirectory() as tmp:
            for name, records in files.items():
                with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                    f.writelines(json.dumps(r) + "\n" for r in records)
            bad = validate_dir(tmp, topics, quiet=True)
        if (bad == 0) != should_pass:
            failures += 1
            print(f"FAIL self-test directory '{label}': {bad} failures reported")
    return failures
