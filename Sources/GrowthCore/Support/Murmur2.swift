/// Kafka's default partitioner (Java `Utils.murmur2` with seed 0x9747b28c, then
/// `toPositive(hash) % partitions`), so our routing agrees with every Java producer (SPEC §4).
public enum KafkaPartitioner {
    public static func murmur2<Bytes: Collection>(_ data: Bytes) -> Int32 where Bytes.Element == UInt8 {
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        let length = data.count
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: length)
        var iterator = data.makeIterator()
        var remaining = length
        while remaining >= 4 {
            let b0 = UInt32(iterator.next()!)
            let b1 = UInt32(iterator.next()!)
            let b2 = UInt32(iterator.next()!)
            let b3 = UInt32(iterator.next()!)
            var k = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
            remaining -= 4
        }
        var tail: [UInt32] = []
        while let b = iterator.next() { tail.append(UInt32(b)) }
        switch tail.count {
        case 3:
            h ^= tail[2] << 16
            fallthrough
        case 2:
            h ^= tail[1] << 8
            fallthrough
        case 1:
            h ^= tail[0]
            h = h &* m
        default: break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }

    /// The partition Kafka's Java producer picks for these key bytes.
    public static func partition(forKeyBytes key: [UInt8], partitions: Int) -> Int {
        precondition(partitions > 0)
        return Int(UInt32(bitPattern: murmur2(key)) & 0x7fff_ffff) % partitions
    }

    /// The partition Kafka's Java producer picks for this key.
    public static func partition(forKey key: String, partitions: Int) -> Int {
        precondition(partitions > 0)
        let hash = murmur2(key.utf8)
        return Int(UInt32(bitPattern: hash) & 0x7fff_ffff) % partitions
    }
}
