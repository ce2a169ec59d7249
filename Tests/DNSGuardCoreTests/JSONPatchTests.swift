import DNSGuardCore
import Foundation
import Testing

/// RFC 6902 as the API server's json-patch library applies it: the patch dnsguard returns must apply
/// there, so `JSONPatch.apply` has to be just as strict.
@Suite struct JSONPatchTests {
    static let document = #"{"spec":{"dnsConfig":null,"list":[1,2],"a/b":{"~t":true}}}"#

    @Test(arguments: [
        (PatchOperation(op: .add, path: "/spec/dnsConfig", value: .object([])), #"{"spec":{"dnsConfig":{},"list":[1,2],"a/b":{"~t":true}}}"#),
        (PatchOperation(op: .add, path: "/spec/new", value: .bool(false)), #"{"spec":{"dnsConfig":null,"list":[1,2],"a/b":{"~t":true},"new":false}}"#),
        (PatchOperation(op: .add, path: "/spec/list/-", value: .number(3)), #"{"spec":{"dnsConfig":null,"list":[1,2,3],"a/b":{"~t":true}}}"#),
        (PatchOperation(op: .add, path: "/spec/list/0", value: .number(0)), #"{"spec":{"dnsConfig":null,"list":[0,1,2],"a/b":{"~t":true}}}"#),
        (PatchOperation(op: .add, path: "/spec/list/2", value: .number(3)), #"{"spec":{"dnsConfig":null,"list":[1,2,3],"a/b":{"~t":true}}}"#),
        (PatchOperation(op: .replace, path: "/spec/list/1", value: .string("x")), #"{"spec":{"dnsConfig":null,"list":[1,"x"],"a/b":{"~t":true}}}"#),
        (PatchOperation(op: .remove, path: "/spec/list/0"), #"{"spec":{"dnsConfig":null,"list":[2],"a/b":{"~t":true}}}"#),
        (PatchOperation(op: .replace, path: "/spec/a~1b/~0t", value: .null), #"{"spec":{"dnsConfig":null,"list":[1,2],"a/b":{"~t":null}}}"#),
        (PatchOperation(op: .test, path: "/spec/list", value: .array([.number(1), .number(2)])), document),
        (PatchOperation(op: .replace, path: "", value: .number(1)), "1"),
    ])
    func appliesOperation(operation: PatchOperation, expected: String) throws {
        let result = try JSONPatch.apply([operation], to: JSONValue(parsing: Self.document))
        #expect(result == (try JSONValue(parsing: expected)))
        let theirs = try IndependentJSONPatch.apply(patch: AdmissionResponse(uid: "", allowed: true, patch: [operation]).patchJSON,
                                                    to: JSONValue(parsing: Self.document))
        #expect(JSONPatch.equal(result, theirs))
    }

    @Test(arguments: [
        PatchOperation(op: .add, path: "/spec/dnsConfig/options", value: .array([])),  // parent is null
        PatchOperation(op: .add, path: "/spec/missing/options", value: .array([])),  // no implicit parents
        PatchOperation(op: .add, path: "/spec/list/3", value: .number(3)),
        PatchOperation(op: .add, path: "/spec/list/01", value: .number(3)),
        PatchOperation(op: .replace, path: "/spec/missing", value: .number(3)),
        PatchOperation(op: .remove, path: "/spec/missing"),
        PatchOperation(op: .replace, path: "/spec/list/-", value: .number(3)),
        PatchOperation(op: .test, path: "/spec/list", value: .array([.number(2), .number(1)])),
        PatchOperation(op: .add, path: "spec", value: .number(3)),
    ])
    func refusesWhatDoesNotApply(operation: PatchOperation) throws {
        let document = try JSONValue(parsing: Self.document)
        #expect(throws: JSONPatchError.self) { _ = try JSONPatch.apply([operation], to: document) }
        #expect(throws: IndependentJSONPatch.Failure.self) {
            _ = try IndependentJSONPatch.apply(
                patch: AdmissionResponse(uid: "", allowed: true, patch: [operation]).patchJSON, to: document)
        }
    }

    @Test func testIgnoresMemberOrder() throws {
        let document = try JSONValue(parsing: #"{"a":{"x":1,"y":2}}"#)
        _ = try JSONPatch.apply([PatchOperation(op: .test, path: "/a", value: .object([("y", .number(2)), ("x", .number(1))]))], to: document)
    }
}
