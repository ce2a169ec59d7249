import DNSGuardCore
import Foundation
import Testing

@Suite("Streaming List splitter")
struct KubernetesListSplitterTests {
    /// Strings full of what a naive splitter trips on: escaped quotes and backslashes, braces and
    /// brackets inside strings, a unicode escape of a backslash, and nesting.
    static let tricky = #"""
        {"apiVersion":"v1","items":[{"kind":"Pod","metadata":{"name":"a","annotations":{"x":"say \"}\" ]","y":"C:\\dir\\","z":"\u005c\""}},"spec":{"containers":[{"args":["{","[","\\\"}"]}]}},
         {"kind":"ConfigMap","data":{"Corefile":".:53 {\n  forward . 1.1.1.1\n}\n"}} ,
        {"kind":"Namespace","metadata":{"name":"\\"}}],"kind":"List","metadata":{"resourceVersion":""}}
        """#

    static func expectedItems(_ text: String) throws -> [JSONValue] {
        try #require(JSONValue(parsing: text)["items"]?.arrayValue)
    }

    @Test("every split point of a list with tricky strings yields the same items")
    func everySplitPoint() throws {
        let data = Data(Self.tricky.utf8)
        let expected = try Self.expectedItems(Self.tricky)
        #expect(expected.count == 3)
        for split in 0...data.count {
            var splitter = KubernetesListSplitter()
            var items: [JSONValue] = []
            for part in [data.prefix(split), data.dropFirst(split)] {
                try [UInt8](part).withUnsafeBytes { chunk in
                    try splitter.feed(chunk) { item, _, _ in
                        items.append(try! JSONValue(parsing: Data(item)))
                    }
                }
            }
            try splitter.finish()
            #expect(items == expected, "split at byte \(split)")
            #expect(splitter.listKind == "List")
        }
    }

    @Test("one byte at a time, and in chunks of several sizes, over the scan fixture", arguments: [1, 3, 7, 64, 4096, 1 << 20])
    func chunkSizes(chunkSize: Int) throws {
        let data = try Fixture.data("Scan/cluster.json")
        let expected = try Self.expectedItems(String(decoding: data, as: UTF8.self))
        let (items, listKind) = try ScanHarness.items(data, chunkSize: chunkSize)
        #expect(items.count == expected.count)
        #expect(try items.map { try JSONValue(parsing: $0) } == expected)
        #expect(listKind == "List")
    }

    @Test("the API server's own list shape: kind first, items without kind, null items")
    func apiServerShape() throws {
        let (items, listKind) = try ScanHarness.items(
            Data(#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"p"}}]}"#.utf8),
            chunkSize: 5)
        #expect(items.count == 1)
        #expect(listKind == "PodList")
        let empty = try ScanHarness.items(Data(#"{"kind":"PodList","items":null}"#.utf8), chunkSize: 2)
        #expect(empty.items.isEmpty)
        let none = try ScanHarness.items(Data("{\"items\":[ ] }\n".utf8), chunkSize: 1)
        #expect(none.items.isEmpty)
    }

    @Test("malformed lists fail with a reason", arguments: [
        ("", "empty"),
        ("   \n", "empty"),
        ("[]", "expected a JSON object"),
        ("{\"items\": {}}", "items is not an array"),
        ("{\"items\": [1]}", "expected an object in the items array"),
        ("{\"items\": [{}, ]}", "expected an object in the items array"),
        ("{\"items\": [{} {}]}", "expected ',' or ']' after an item"),
        ("{\"items\": [{}]} x", "unexpected data after the List object"),
        ("{\"kind\": \"List\"}", "no items array"),
        ("{\"items\": [{\"a\": \"unterminated}]}", "ends inside the items array"),
        ("{\"items\": [{}]", "ends before the List's closing brace"),
        ("{\"items\": [{\"a\": {\"b\": [1, 2]}}", "ends inside the items array"),
        ("{\"items\": [], \"items\": []}", "two items arrays"),
        ("{\"kind\" \"List\"}", "expected ':'"),
        ("{\"kind\": \"List\" \"items\": []}", "expected ',' or '}'"),
        ("{items: []}", "expected a member name"),
    ])
    func malformed(input: String, reason: String) {
        for chunkSize in [1, 4, 1024] {
            #expect {
                _ = try ScanHarness.items(Data(input.utf8), chunkSize: chunkSize)
            } throws: { error in
                (error as? ScanInputError)?.description.contains(reason) == true
            }
        }
    }

    @Test("every truncation of a valid list is an error, never a crash or a silent success")
    func truncations() throws {
        let data = Data(Self.tricky.utf8)
        // The last byte is the closing brace; anything shorter is incomplete.
        for length in 0..<(data.count - 1) {
            #expect(throws: ScanInputError.self, "truncated to \(length) bytes") {
                _ = try ScanHarness.items(data.prefix(length), chunkSize: 16)
            }
        }
    }

    @Test("an item larger than the limit is refused with its index")
    func itemLimit() throws {
        var splitter = KubernetesListSplitter(maximumItemBytes: 64)
        let text = #"{"items":[{"a":1},{"b":"\#(String(repeating: "x", count: 100))"}]}"#
        var seen = 0
        #expect {
            try [UInt8](text.utf8).withUnsafeBytes { chunk in
                try splitter.feed(chunk) { _, _, _ in seen += 1 }
            }
        } throws: { error in
            let error = error as? ScanInputError
            return error?.item == 1 && error?.description.contains("larger than 64 bytes") == true
        }
        #expect(seen == 1)
    }

    @Test("an item that is not valid JSON is reported with its index by the scan")
    func invalidItem() {
        #expect {
            _ = try ScanHarness.scan(Data(#"{"items":[{"kind":"Namespace","metadata":{"name":"a"}},{"kind":"Pod","metadata":{"name": tru}}]}"#.utf8))
        } throws: { error in
            let error = error as? ScanInputError
            return error?.item == 1 && error?.description.contains("malformed JSON") == true
        }
        #expect {
            _ = try ScanHarness.scan(Data(#"{"items":[{"kind":"Pod","spec":{"hostNetwork":"yes"}}]}"#.utf8))
        } throws: { error in
            (error as? ScanInputError)?.description.contains("spec.hostNetwork") == true
        }
    }
}
