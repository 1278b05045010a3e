/// `growth.content` (SPEC §2, §3 Growth): `content_id`, `kind` (one the rules list),
/// `action` (`published` or `deleted`), `quality` (0..1, default 1); points
/// `points[kind] x quality` in `points.content.dimension`, a deletion negative.
extension InputKind {
    static let content = InputKind(
        name: "content", stableTag: "content", fieldNames: ["content_id", "kind", "action", "quality"],
        validate: { (v: EventValidation) throws(DecodeError) -> Event.Body in
            let contentID = try v.scanner.string(v.requiredString(.contentID))
            let kind = try v.scanner.string(v.requiredString(.kind))
            let action = try v.choice(
                .action, code: .unknownAction, Event.Content.Action.published, "published", .deleted, "deleted")
            let quality = try v.quality()
            guard v.decoder.lookup.rules.points.content[kind] != nil else {
                let known = v.decoder.lookup.rules.points.content.keys.sorted().joined(separator: ", ")
                throw DecodeError(
                    .unknownKind, "kind \(v.quoted(kind)) is not a content kind of the rules (known: \(known))")
            }
            return .content(Event.Content(contentID: contentID, kind: kind, action: action, quality: quality))
        },
        points: { rules, body in
            guard case .content(let c) = body else { return (rules.contentDimension, 0) }
            let p = MicroPoints.from((rules.rules.points.content[c.kind] ?? 0) * c.quality)
            return (rules.contentDimension, c.action == .deleted ? -p : p)
        },
        jsonFields: { body in
            guard case .content(let c) = body else { return [:] }
            return ["content_id": c.contentID, "kind": c.kind, "action": c.action.rawValue, "quality": c.quality]
        })
}

extension EventField {
    static let contentID = EventField("content_id")
    static let kind = EventField("kind")
    static let action = EventField("action")
    static let quality = EventField("quality")
}
