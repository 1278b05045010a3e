import Testing

@testable import GrowthService

/// Issue 6 `--http` bearer token: the constant-time comparison answers exactly what `==`
/// answers on bytes, wherever the first difference is and whatever the lengths.
@Suite struct ConstantTimeComparisonTests {
    static func equal(_ a: String, _ b: String) -> Bool { ConstantTimeComparison.areEqual(a.utf8, b.utf8) }

    @Test func equalTokensMatch() {
        #expect(Self.equal("Bearer e2e-secret", "Bearer e2e-secret"))
        #expect(Self.equal("x", "x"))
        #expect(Self.equal("Bearer токен-🔑", "Bearer токен-🔑"))
    }

    @Test func aDifferenceAtTheFirstOrLastByteDoesNotMatch() {
        #expect(!Self.equal("Xearer e2e-secret", "Bearer e2e-secret"))
        #expect(!Self.equal("Bearer e2e-secreT", "Bearer e2e-secret"))
        #expect(!Self.equal("Bearer e2e-Secret", "Bearer e2e-secret"))
        #expect(!Self.equal("b", "a"))
    }

    @Test func differentLengthsDoNotMatch() {
        #expect(!Self.equal("Bearer e2e-secre", "Bearer e2e-secret"))
        #expect(!Self.equal("Bearer e2e-secrett", "Bearer e2e-secret"))
        // A guess that repeats the secret cyclically must not pass either.
        #expect(!Self.equal("abab", "ab"))
        #expect(!Self.equal("ab", "abab"))
    }

    @Test func emptyInputsMatchOnlyEachOther() {
        #expect(Self.equal("", ""))
        #expect(!Self.equal("", "Bearer e2e-secret"))
        #expect(!Self.equal("Bearer e2e-secret", ""))
    }

    /// Every single-byte change at every position of a token, and every prefix and extension,
    /// agrees with `==`.
    @Test func agreesWithEqualityOnEveryOneByteChangeAndPrefix() {
        let secret = Array("Bearer 0123456789abcdef".utf8)
        for index in secret.indices {
            var changed = secret
            changed[index] ^= 0x01
            #expect(!ConstantTimeComparison.areEqual(changed, secret), "byte \(index)")
            #expect(!ConstantTimeComparison.areEqual(Array(secret.prefix(index)), secret), "prefix \(index)")
        }
        #expect(ConstantTimeComparison.areEqual(secret, secret))
        #expect(!ConstantTimeComparison.areEqual(secret + [0x20], secret))
    }
}
