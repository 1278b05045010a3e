/// `growth.orders` (SPEC §2, §3 Growth): `order_id`, `amount`, `currency`, `status`; points
/// `amount x rate x per_unit` in `points.order.dimension`, a refund negative with the full amount.
extension InputKind {
    static let orders = InputKind(
        name: "orders", stableTag: "orders", fieldNames: ["order_id", "amount", "currency", "status"],
        validate: { (v: EventValidation) throws(DecodeError) -> Event.Body in
            let orderID = try v.scanner.string(v.requiredString(.orderID))
            let amount = try v.amount()
            let currency = try v.scanner.string(v.requiredString(.currency))
            let status = try v.choice(
                .status, code: .unknownStatus, Event.Order.Status.paid, "paid", .refunded, "refunded")
            guard v.decoder.lookup.rules.points.currencies[currency] != nil else {
                let accepted = v.decoder.lookup.rules.points.currencies.keys.sorted().joined(separator: ", ")
                throw DecodeError(
                    .unknownCurrency, "currency \(v.quoted(currency)) is not in the rules (accepted: \(accepted))")
            }
            return .order(Event.Order(orderID: orderID, amount: amount, currency: currency, status: status))
        },
        points: { rules, body in
            guard case .order(let o) = body else { return (rules.orderDimension, 0) }
            let rate = rules.rules.points.currencies[o.currency] ?? 0
            let p = MicroPoints.from(o.amount * rate * rules.rules.points.orderPerUnit)
            return (rules.orderDimension, o.status == .refunded ? -p : p)
        },
        jsonFields: { body in
            guard case .order(let o) = body else { return [:] }
            return ["order_id": o.orderID, "amount": o.amount, "currency": o.currency, "status": o.status.rawValue]
        })
}

extension EventField {
    static let orderID = EventField("order_id")
    static let amount = EventField("amount")
    static let currency = EventField("currency")
    static let status = EventField("status")
}
