/// Secret comparison for the status server's bearer token (issue 6 `--http`): the time taken
/// depends only on the lengths, never on where the bytes first differ, so response times do
/// not reveal a token prefix by prefix. The length may leak (a token's length is no secret
/// worth guarding: it is fixed by whoever generates it).
enum ConstantTimeComparison {
    /// Whether `given` equals `secret` byte for byte. Every byte of `given` is read whether or
    /// not an earlier one differed; the differences are OR-ed, with no early exit.
    static func areEqual(_ given: some Collection<UInt8>, _ secret: some Collection<UInt8>) -> Bool {
        let secretBytes = Array(secret)
        var difference = UInt8(given.count == secretBytes.count ? 0 : 1)
        guard !secretBytes.isEmpty else { return given.isEmpty }
        for (index, byte) in given.enumerated() {
            // Compared with the secret's bytes cyclically, so a longer or shorter guess still
            // costs one step per byte given.
            difference |= byte ^ secretBytes[index % secretBytes.count]
        }
        return difference == 0
    }
}
