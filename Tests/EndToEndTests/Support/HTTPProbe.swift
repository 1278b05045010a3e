import Foundation

/// A minimal blocking HTTP/1.1 GET over a loopback socket, for asking a child processor's
/// status server (no HTTP client library in the test targets).
enum HTTPProbe {
    struct Response {
        var status: Int
        var body: String
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    static func get(port: Int, path: String, headers: [String: String] = [:]) -> Response? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let sent = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
        guard sent > 0 else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n").first,
            let status = Int(statusLine.split(separator: " ").dropFirst().first ?? ""),
            let split = text.range(of: "\r\n\r\n")
        else { return nil }
        return Response(status: status, body: String(text[split.upperBound...]))
    }

    /// Prometheus text format: `name{labels} value` lines into (series -> value); `# ` lines
    /// skipped. Nil if a line does not parse.
    static func prometheusSamples(_ text: String) -> [String: Double]? {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                return nil
            }
            let series = String(line[..<space])
            let name = series.prefix { $0 != "{" }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
                return nil
            }
            samples[series] = value
        }
        return samples
    }
}

extension ProcessorInstance {
    /// The port the instance's status server bound (`--http 127.0.0.1:0`), from its log.
    func httpPort(within limit: Duration = .seconds(60)) -> Int? {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline && isRunning {
            let ownLines = String(decoding: Data(log.utf8).dropFirst(logStart), as: UTF8.self)
            if let range = ownLines.range(of: #"HTTP listening on 127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
                let port = Int(ownLines[range].split(separator: ":").last ?? "")
            {
                return port
            }
            _ = poll(nil, 0, 20)
        }
        return nil
    }
}
