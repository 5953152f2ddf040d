/// A value bound to a statement's `?` parameter; the log stores integers and text only.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case null

    static func optional(_ value: Int64?) -> SQLiteValue { value.map(SQLiteValue.integer) ?? .null }
    static func optional(_ value: String?) -> SQLiteValue { value.map(SQLiteValue.text) ?? .null }
}
