import GrowthEngine

/// Replay input lines (SPEC §5 "JSONL input lines", §7 replay):
/// `{"topic":"orders","value":{...},"timestamp":1772323200000}`, the timestamp being the
/// record's `recordTimestamp` (epoch ms).
///
/// A value whose bytes are a JSON object is embedded as that object; anything else (not
/// JSON, not an object) is embedded as a JSON string of its bytes, which replay decodes like
/// a Kafka value.
public enum WorkloadJSONL {
    /// The line for one record, without the trailing newline.
    public static func line(for record: GeneratedRecord) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(record.value.count + 32)
        append(record, to: &out)
        return out
    }

    /// Appends the line for one record and a newline.
    public static func appendLine(for record: GeneratedRecord, to out: inout [UInt8]) {
        append(record, to: &out)
        out.append(0x0A)
    }

    private static func append(_ record: GeneratedRecord, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"topic":""#.utf8)
        out.append(contentsOf: record.topic.rawValue.utf8)
        out.append(contentsOf: #"","value":"#.utf8)
        if record.isJSONObject {
            out.append(contentsOf: record.value)
        } else {
            out.append(UInt8(ascii: "\""))
            WorkloadDraft.appendEscaped(record.value, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: #","timestamp":"#.utf8)
        out.append(contentsOf: String(record.recordTimestamp).utf8)
        out.append(UInt8(ascii: "}"))
    }
}
