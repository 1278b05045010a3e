/// `growth.shares` (SPEC §2, §3 Growth): `channel`, `content_id` (optional); points
/// `points.share` in `points.share.dimension`.
extension InputKind {
    static let shares = InputKind(
        name: "shares", stableTag: "shares", fieldNames: ["channel", "content_id"],
        validate: { (v: EventValidation) throws(DecodeError) -> Event.Body in
            let channel = try v.scanner.string(v.requiredString(.channel))
            var contentID: String?
            if let span = v.fields[.contentID], span.kind != .null {
                guard span.kind == .string else { throw v.wrongType(.contentID, span, expected: "a string or null") }
                contentID = v.scanner.string(span)
            }
            return .share(Event.Share(channel: channel, contentID: contentID))
        },
        points: { rules, _ in (rules.shareDimension, MicroPoints.from(rules.rules.points.share)) },
        jsonFields: { body in
            guard case .share(let s) = body else { return [:] }
            var fields: [String: any Sendable] = ["channel": s.channel]
            if let id = s.contentID { fields["content_id"] = id }
            return fields
        })
}

extension EventField {
    static let channel = EventField("channel")
}
