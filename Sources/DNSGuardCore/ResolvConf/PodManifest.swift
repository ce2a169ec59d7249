import Foundation
import Yams

/// A Pod read for `dnsguard resolv-conf`: from a Pod manifest (YAML or JSON) or from an AdmissionReview
/// (its `request.object`, with the request's namespace).
public struct PodManifest: Sendable, Hashable {
    /// The Pod object as JSON, object members in document order.
    public var object: JSONValue
    /// `request.namespace` of a review, else the Pod's `metadata.namespace`; `nil` when neither is set.
    public var namespace: String?

    public init(object: JSONValue, namespace: String?) {
        self.object = object
        self.namespace = namespace
    }

    /// `metadata.name`, else `metadata.generateName` followed by `*`, else `pod`.
    public var displayName: String {
        if case let .string(name)? = object["metadata"]?["name"], !name.isEmpty { return name }
        if case let .string(prefix)? = object["metadata"]?["generateName"], !prefix.isEmpty { return prefix + "*" }
        return "pod"
    }

    public static func parse(_ text: String) throws(PodManifestError) -> PodManifest {
        let document = try json(from: text)
        guard case .object = document else { throw PodManifestError(reason: "expected a Pod or an AdmissionReview object") }
        let kind = document["kind"].flatMap { if case let .string(kind) = $0 { kind } else { nil } }
        switch kind {
        case "AdmissionReview":
            guard let object = document["request"]?["object"], case .object = object else {
                throw PodManifestError(reason: "the AdmissionReview has no request.object")
            }
            guard case let .string(objectKind)? = object["kind"], objectKind == "Pod" else {
                throw PodManifestError(reason: "the AdmissionReview's request.object is not a Pod")
            }
            var namespace: String?
            if case let .string(requestNamespace)? = document["request"]?["namespace"], !requestNamespace.isEmpty {
                namespace = requestNamespace
            }
            return PodManifest(object: object, namespace: namespace ?? metadataNamespace(object))
        case "Pod":
            return PodManifest(object: document, namespace: metadataNamespace(document))
        default:
            throw PodManifestError(reason: "expected kind Pod or AdmissionReview, found \(kind.map { "kind \($0)" } ?? "no kind")")
        }
    }

    private static func metadataNamespace(_ object: JSONValue) -> String? {
        guard case let .string(namespace)? = object["metadata"]?["namespace"], !namespace.isEmpty else { return nil }
        return namespace
    }

    /// JSON text is read as JSON (member order kept); anything else as one YAML document.
    private static func json(from text: String) throws(PodManifestError) -> JSONValue {
        if text.drop(while: \.isWhitespace).first == "{" {
            do {
                return try JSONValue(parsing: text)
            } catch {
                throw PodManifestError(reason: "not valid JSON: \(error)")
            }
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw PodManifestError(reason: "not valid YAML: \(error)")
        }
        guard let node else { throw PodManifestError(reason: "the input is empty") }
        return try json(from: node, depth: 0)
    }

    private static func json(from node: Node, depth: Int) throws(PodManifestError) -> JSONValue {
        guard depth < 64 else { throw PodManifestError(reason: "the document nests deeper than 64 levels") }
        switch node {
        case let .mapping(mapping):
            var members: [(key: String, value: JSONValue)] = []
            for (key, value) in mapping {
                guard let name = key.string else { throw PodManifestError(reason: "a mapping key is not a string") }
                members.append((name, try json(from: value, depth: depth + 1)))
            }
            return .object(members)
        case let .sequence(sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try json(from: item, depth: depth + 1)) }
            return .array(items)
        case let .scalar(scalar):
            // Quoted scalars are strings; plain ones take the type YAML's core schema resolves.
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .alias:
            throw PodManifestError(reason: "YAML aliases are not supported in a Pod manifest")
        }
    }
}

/// A Pod manifest that cannot be read.
public struct PodManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
