/// Where `run --http` listens (issue 6): `HOST:PORT`, `[IPv6]:PORT`, `:PORT` or `PORT`; the
/// host defaults to 127.0.0.1 (loopback: exposing the port is a deliberate choice). Port 0
/// picks a free port, which the start-up log names.
public struct HTTPAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultHost = "127.0.0.1"
    public var host: String
    public var port: Int

    public init(host: String = HTTPAddress.defaultHost, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses the flag's text; nil if it is not an address.
    public init?(parsing text: String) {
        var hostPart = ""
        var portPart = Substring(text)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = String(text[..<colon])
            portPart = text[text.index(after: colon)...]
        }
        guard let port = Int(portPart), (0...65535).contains(port) else { return nil }
        self.host = hostPart.isEmpty ? Self.defaultHost : hostPart
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
