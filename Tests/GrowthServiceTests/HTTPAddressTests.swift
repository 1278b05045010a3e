import GrowthService
import Testing

/// Issue 6 `run --http`: HOST:PORT, :PORT or PORT, the host defaulting to loopback.
@Suite struct HTTPAddressTests {
    @Test func portAloneAndColonPortListenOnLoopback() {
        #expect(HTTPAddress(parsing: "8080") == HTTPAddress(host: "127.0.0.1", port: 8080))
        #expect(HTTPAddress(parsing: ":9090") == HTTPAddress(host: "127.0.0.1", port: 9090))
    }

    @Test func hostsAndIPv6AreKept() {
        #expect(HTTPAddress(parsing: "0.0.0.0:80") == HTTPAddress(host: "0.0.0.0", port: 80))
        #expect(HTTPAddress(parsing: "status.local:0") == HTTPAddress(host: "status.local", port: 0))
        let v6 = HTTPAddress(parsing: "[::1]:8080")
        #expect(v6 == HTTPAddress(host: "::1", port: 8080))
        #expect(v6?.description == "[::1]:8080")
    }

    @Test func malformedAddressesAreRefused() {
        for text in ["", "host:", "host:http", "70000", "-1", "[::1]8080", "localhost"] {
            #expect(HTTPAddress(parsing: text) == nil, "\(text)")
        }
    }
}
