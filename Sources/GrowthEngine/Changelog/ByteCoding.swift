/// Little-endian binary writing for changelog records.
struct ByteWriter {
    var buffer: [UInt8] = []
    init(capacity: Int) { buffer.reserveCapacity(capacity) }

    mutating func bytes<C: Collection>(_ bytes: C) where C.Element == UInt8 { buffer.append(contentsOf: bytes) }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }
}

/// The matching reader; every read is bounds-checked.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    var position = 0
    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var remaining: Int { base.count - position }

    mutating func bytes(_ count: Int) throws(ChangelogError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw ChangelogError("truncated record") }
        defer { position += count }
        return Array(base[position..<position + count])
    }

    mutating func u64() throws(ChangelogError) -> UInt64 {
        guard remaining >= 8 else { throw ChangelogError("truncated record") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(base[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    mutating func i64() throws(ChangelogError) -> Int64 { Int64(bitPattern: try u64()) }

    mutating func varint() throws(ChangelogError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard remaining >= 1, shift < 64 else { throw ChangelogError("bad varint") }
            let byte = base[position]
            position += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }
}
