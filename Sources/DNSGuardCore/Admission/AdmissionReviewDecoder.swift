/// Reads an AdmissionReview straight from the request bytes with `JSONScanner`: the members the
/// rules need are decoded, everything else (most of a Pod) is syntax-checked and skipped. Types are
/// checked where a member is read, and errors name the member ("request.object.spec.hostNetwork").
enum AdmissionReviewDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(AdmissionReviewError) -> AdmissionReview {
        var scanner = JSONScanner(bytes)
        var apiVersion: String?
        var kind: String?
        var request: AdmissionRequest?
        var uid: String?
        var otherShape: JSONScanner.ValueKind?
        do throws(JSONSyntaxError) {
            let shape = try scanner.peekKind()
            guard shape == .object else {
                // Well-formed JSON of another shape is the wrong payload, not a broken one: say which, once
                // the whole body is known to be JSON.
                try scanner.skipValue()
                try scanner.expectEnd()
                otherShape = shape
                throw scanner.error("an AdmissionReview must be a JSON object")
            }
            try scanner.forEachMember { scanner, key throws(JSONSyntaxError) in
                if scanner.key(key, is: "apiVersion") {
                    apiVersion = try field("apiVersion", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() }
                } else if scanner.key(key, is: "kind") {
                    kind = try field("kind", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() }
                } else if scanner.key(key, is: "request") {
                    request = try field("request", &scanner) { s throws(JSONSyntaxError) in try readRequest(&s, uid: &uid) }
                } else {
                    try scanner.skipValue()
                }
            }
            try scanner.expectEnd()
        } catch {
            if let otherShape {
                throw AdmissionReviewError(reason: "not an AdmissionReview: it must be a JSON object, the body is a JSON \(otherShape)")
            }
            throw AdmissionReviewError(reason: "malformed AdmissionReview JSON: \(error)", uid: uid)
        }
        guard kind == "AdmissionReview" else {
            throw AdmissionReviewError(
                reason: "not an AdmissionReview: kind is \(kind.map { "\"\($0)\"" } ?? "missing")", uid: uid)
        }
        guard let apiVersion, AdmissionReview.supportedVersions.contains(apiVersion) else {
            throw AdmissionReviewError(
                reason: "unsupported AdmissionReview apiVersion \(apiVersion.map { "\"\($0)\"" } ?? "(missing)"); "
                    + "dnsguard speaks \(AdmissionReview.supportedVersions.joined(separator: " and "))",
                uid: uid)
        }
        guard let request else {
            throw AdmissionReviewError(reason: "the AdmissionReview has no request", uid: uid)
        }
        guard !request.uid.isEmpty else {
            throw AdmissionReviewError(reason: "the AdmissionReview request has no uid")
        }
        return AdmissionReview(apiVersion: apiVersion, request: request)
    }

    /// Runs `body` and prefixes any error with the member path, innermost first.
    private static func field<T>(
        _ path: String, _ scanner: inout JSONScanner, _ body: (inout JSONScanner) throws(JSONSyntaxError) -> T
    ) throws(JSONSyntaxError) -> T {
        do {
            return try body(&scanner)
        } catch {
            throw error.inside(path)
        }
    }

    private static func readRequest(_ scanner: inout JSONScanner, uid: inout String?) throws(JSONSyntaxError) -> AdmissionRequest? {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return nil
        }
        var request = AdmissionRequest(uid: "")
        try scanner.forEachMember { s, key throws(JSONSyntaxError) in
            if s.key(key, is: "uid") {
                request.uid = try field("uid", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
                uid = request.uid.isEmpty ? nil : request.uid
            } else if s.key(key, is: "kind") {
                request.kind = try field("kind", &s, readGroupVersionKind)
            } else if s.key(key, is: "resource") {
                request.resource = try field("resource", &s, readGroupVersionResource)
            } else if s.key(key, is: "subResource") {
                request.subResource = try field("subResource", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "operation") {
                request.operation = try field("operation", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "namespace") {
                request.namespace = try field("namespace", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "name") {
                request.name = try field("name", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "userInfo") {
                request.username = try field("userInfo", &s, readUsername)
            } else if s.key(key, is: "dryRun") {
                request.dryRun = try field("dryRun", &s) { s throws(JSONSyntaxError) in try s.readOptionalBool() }
            } else if s.key(key, is: "object") {
                request.object = try field("object", &s, readObject)
            } else {
                try s.skipValue()
            }
        }
        return request
    }

    private static func readGroupVersionKind(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> GroupVersionKind {
        var gvk = GroupVersionKind()
        try forEachStringMember(&scanner) { key, value in
            switch key {
            case "group": gvk.group = value
            case "version": gvk.version = value
            case "kind": gvk.kind = value
            default: break
            }
        }
        return gvk
    }

    private static func readGroupVersionResource(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> GroupVersionResource {
        var gvr = GroupVersionResource()
        try forEachStringMember(&scanner) { key, value in
            switch key {
            case "group": gvr.group = value
            case "version": gvr.version = value
            case "resource": gvr.resource = value
            default: break
            }
        }
        return gvr
    }

    private static func readUsername(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> String {
        var username = ""
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return username
        }
        try scanner.forEachMember { s, key throws(JSONSyntaxError) in
            if s.key(key, is: "username") {
                username = try field("username", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else {
                try s.skipValue()
            }
        }
        return username
    }

    private static func readObject(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> AdmissionObject? {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return nil
        }
        var object = AdmissionObject()
        try scanner.forEachMember { s, key throws(JSONSyntaxError) in
            if s.key(key, is: "apiVersion") {
                object.apiVersion = try field("apiVersion", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "kind") {
                object.kind = try field("kind", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "metadata") {
                object.metadata = try field("metadata", &s, readMetadata)
            } else if s.key(key, is: "spec") {
                object.spec = try field("spec", &s, readPodSpec)
            } else if s.key(key, is: "data") {
                object.data = try field("data", &s) { s throws(JSONSyntaxError) in
                    var data: [AdmissionObject.KeyValuePair] = []
                    try forEachStringMember(&s) { key, value in data.append(.init(key: key, value: value)) }
                    return data
                }
            } else {
                try s.skipValue()
            }
        }
        return object
    }

    private static func readMetadata(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> ObjectMetadata {
        var metadata = ObjectMetadata()
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return metadata
        }
        try scanner.forEachMember { s, key throws(JSONSyntaxError) in
            if s.key(key, is: "name") {
                metadata.name = try field("name", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "generateName") {
                metadata.generateName = try field("generateName", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "namespace") {
                metadata.namespace = try field("namespace", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if s.key(key, is: "labels") {
                try field("labels", &s) { s throws(JSONSyntaxError) in
                    try forEachStringMember(&s) { key, value in metadata.labels[key] = value }
                }
            } else if s.key(key, is: "annotations") {
                try field("annotations", &s) { s throws(JSONSyntaxError) in
                    try forEachStringMember(&s) { key, value in metadata.annotations[key] = value }
                }
            } else if s.key(key, is: "ownerReferences") {
                metadata.ownerReferences = try field("ownerReferences", &s, readOwnerReferences)
            } else {
                try s.skipValue()
            }
        }
        return metadata
    }

    private static func readOwnerReferences(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> [OwnerReference] {
        var references: [OwnerReference] = []
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return references
        }
        try scanner.forEachElement { s, _ throws(JSONSyntaxError) in
            var reference = OwnerReference(kind: "", name: "")
            try s.forEachMember { s, key throws(JSONSyntaxError) in
                if s.key(key, is: "kind") {
                    reference.kind = try s.readOptionalString() ?? ""
                } else if s.key(key, is: "name") {
                    reference.name = try s.readOptionalString() ?? ""
                } else if s.key(key, is: "controller") {
                    reference.controller = try s.readOptionalBool()
                } else {
                    try s.skipValue()
                }
            }
            references.append(reference)
        }
        return references
    }

    private static func readPodSpec(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> PodDNSSpec? {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return nil
        }
        var spec = PodDNSSpec()
        try scanner.forEachMember { s, key throws(JSONSyntaxError) in
            if s.key(key, is: "dnsPolicy") {
                spec.dnsPolicy = try field("dnsPolicy", &s) { s throws(JSONSyntaxError) in try s.readOptionalString() }
            } else if s.key(key, is: "hostNetwork") {
                spec.hostNetwork = try field("hostNetwork", &s) { s throws(JSONSyntaxError) in try s.readOptionalBool() }
            } else if s.key(key, is: "dnsConfig") {
                spec.dnsConfig = try field("dnsConfig", &s, readDNSConfig)
            } else {
                try s.skipValue()
            }
        }
        return spec
    }

    private static func readDNSConfig(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> JSONField<PodDNSConfig> {
        switch try scanner.peekKind() {
        case .null:
            try scanner.readNull()
            return .null
        case .object:
            break
        default:
            throw scanner.error("expected an object or null")
        }
        var config = PodDNSConfig()
        try scanner.forEachMember { s, key throws(JSONSyntaxError) in
            if s.key(key, is: "nameservers") {
                config.nameservers = try field("nameservers", &s, readStringList)
            } else if s.key(key, is: "searches") {
                config.searches = try field("searches", &s, readStringList)
            } else if s.key(key, is: "options") {
                config.options = try field("options", &s, readOptions)
            } else {
                try s.skipValue()
            }
        }
        return .value(config)
    }

    private static func readStringList(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> JSONField<[String]> {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return .null
        }
        var items: [String] = []
        try scanner.forEachElement { s, index throws(JSONSyntaxError) in
            items.append(try field("[\(index)]", &s) { s throws(JSONSyntaxError) in try s.readString() })
        }
        return .value(items)
    }

    private static func readOptions(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> JSONField<[DNSOption]> {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return .null
        }
        var options: [DNSOption] = []
        try scanner.forEachElement { s, index throws(JSONSyntaxError) in
            try field("[\(index)]", &s) { s throws(JSONSyntaxError) in
                var option = DNSOption(name: "")
                try s.forEachMember { s, key throws(JSONSyntaxError) in
                    if s.key(key, is: "name") {
                        option.name = try s.readOptionalString() ?? ""
                    } else if s.key(key, is: "value") {
                        option.value = try s.readOptionalString()
                    } else {
                        try s.skipValue()
                    }
                }
                options.append(option)
            }
        }
        return .value(options)
    }

    /// A `map[string]string` (labels, annotations, ConfigMap data); `null` reads as empty and
    /// `null` values are skipped.
    private static func forEachStringMember(
        _ scanner: inout JSONScanner, _ body: (String, String) -> Void
    ) throws(JSONSyntaxError) {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return
        }
        try scanner.forEachMember { s, key throws(JSONSyntaxError) in
            let name = s.decode(key)
            if let value = try field(name, &s, { s throws(JSONSyntaxError) in try s.readOptionalString() }) {
                body(name, value)
            }
        }
    }
}
