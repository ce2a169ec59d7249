/// Reads an AdmissionReview straight from the request bytes with `JSONScanner`: the members the
/// rules need are decoded, everything else (most of a Pod) is syntax-checked and skipped. Types are
/// checked where a member is read, and errors name the member ("request.object.spec.hostNetwork").
///
/// Objects are read in loops over `nextMember`, into local values that are returned whole: filling
/// values captured by a closure per object made the optimizer copy each of them on the way out.
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
            var members = try scanner.beginObject()
            while let key = try scanner.nextMember(&members) {
                if scanner.key(key, is: "apiVersion") {
                    // One of the supported versions comes back as that string, without an allocation.
                    apiVersion = try field("apiVersion", &scanner) { s throws(JSONSyntaxError) in
                        try s.readOptionalString(reusing: AdmissionReview.supportedVersions)
                    }
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
        // Moved out, not bound alongside the variable: a copy retains and releases all its strings.
        guard let request = consume request else {
            throw AdmissionReviewError(reason: "the AdmissionReview has no request", uid: uid)
        }
        guard !request.uid.isEmpty else {
            throw AdmissionReviewError(reason: "the AdmissionReview request has no uid")
        }
        return AdmissionReview(apiVersion: apiVersion, request: request)
    }

    // MARK: - Error paths

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

    /// `field` for the element at `index` of a list (`[2]`); the path is only built for an error.
    private static func element<T>(
        _ index: Int, _ scanner: inout JSONScanner, _ body: (inout JSONScanner) throws(JSONSyntaxError) -> T
    ) throws(JSONSyntaxError) -> T {
        do {
            return try body(&scanner)
        } catch {
            throw error.inside("[\(index)]")
        }
    }

    /// `field` for a member named by its key as sent (a label, a ConfigMap key); the key is only
    /// decoded for an error.
    private static func member<T>(
        _ key: JSONScanner.StringToken, _ scanner: inout JSONScanner,
        _ body: (inout JSONScanner) throws(JSONSyntaxError) -> T
    ) throws(JSONSyntaxError) -> T {
        do {
            return try body(&scanner)
        } catch {
            throw error.inside(scanner.decode(key))
        }
    }

    // MARK: - Members

    private static func readRequest(_ scanner: inout JSONScanner, uid: inout String?) throws(JSONSyntaxError) -> AdmissionRequest? {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return nil
        }
        var request = AdmissionRequest(uid: "")
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if scanner.key(key, is: "uid") {
                request.uid = try field("uid", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
                uid = request.uid.isEmpty ? nil : request.uid
            } else if scanner.key(key, is: "kind") {
                request.kind = try field("kind", &scanner, readGroupVersionKind)
            } else if scanner.key(key, is: "resource") {
                request.resource = try field("resource", &scanner, readGroupVersionResource)
            } else if scanner.key(key, is: "subResource") {
                request.subResource = try field("subResource", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "operation") {
                request.operation = try field("operation", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "namespace") {
                request.namespace = try field("namespace", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "name") {
                request.name = try field("name", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "userInfo") {
                request.username = try field("userInfo", &scanner, readUsername)
            } else if scanner.key(key, is: "dryRun") {
                request.dryRun = try field("dryRun", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalBool() }
            } else if scanner.key(key, is: "object") {
                request.object = try field("object", &scanner, readObject)
            } else {
                try scanner.skipValue()
            }
        }
        return request
    }

    private static func readGroupVersionKind(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> GroupVersionKind {
        var gvk = GroupVersionKind()
        try forEachStringMember(&scanner) { s, key, value in
            if s.key(key, is: "group") {
                gvk.group = value
            } else if s.key(key, is: "version") {
                gvk.version = value
            } else if s.key(key, is: "kind") {
                gvk.kind = value
            }
        }
        return gvk
    }

    private static func readGroupVersionResource(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> GroupVersionResource {
        var gvr = GroupVersionResource()
        try forEachStringMember(&scanner) { s, key, value in
            if s.key(key, is: "group") {
                gvr.group = value
            } else if s.key(key, is: "version") {
                gvr.version = value
            } else if s.key(key, is: "resource") {
                gvr.resource = value
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
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if scanner.key(key, is: "username") {
                username = try field("username", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else {
                try scanner.skipValue()
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
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if scanner.key(key, is: "apiVersion") {
                object.apiVersion = try field("apiVersion", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "kind") {
                object.kind = try field("kind", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "metadata") {
                object.metadata = try field("metadata", &scanner, readMetadata)
            } else if scanner.key(key, is: "spec") {
                object.spec = try field("spec", &scanner, readPodSpec)
            } else if scanner.key(key, is: "data") {
                object.data = try field("data", &scanner, readData)
            } else {
                try scanner.skipValue()
            }
        }
        return object
    }

    private static func readData(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> [AdmissionObject.KeyValuePair] {
        var data: [AdmissionObject.KeyValuePair] = []
        try forEachStringMember(&scanner) { s, key, value in data.append(.init(key: s.decode(key), value: value)) }
        return data
    }

    private static func readMetadata(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> ObjectMetadata {
        var metadata = ObjectMetadata()
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return metadata
        }
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if scanner.key(key, is: "name") {
                metadata.name = try field("name", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "generateName") {
                metadata.generateName = try field("generateName", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "namespace") {
                metadata.namespace = try field("namespace", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() } ?? ""
            } else if scanner.key(key, is: "labels") {
                // Read into place: a repeated member adds to what the first one set.
                do { try readStringMap(&scanner, into: &metadata.labels) } catch { throw error.inside("labels") }
            } else if scanner.key(key, is: "annotations") {
                do { try readStringMap(&scanner, into: &metadata.annotations) } catch { throw error.inside("annotations") }
            } else if scanner.key(key, is: "ownerReferences") {
                metadata.ownerReferences = try field("ownerReferences", &scanner, readOwnerReferences)
            } else {
                try scanner.skipValue()
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
        var elements = try scanner.beginArray()
        while try scanner.nextElement(&elements) {
            var reference = OwnerReference(kind: "", name: "")
            var members = try scanner.beginObject()
            while let key = try scanner.nextMember(&members) {
                if scanner.key(key, is: "kind") {
                    reference.kind = try scanner.readOptionalString() ?? ""
                } else if scanner.key(key, is: "name") {
                    reference.name = try scanner.readOptionalString() ?? ""
                } else if scanner.key(key, is: "controller") {
                    reference.controller = try scanner.readOptionalBool()
                } else {
                    try scanner.skipValue()
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
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if scanner.key(key, is: "dnsPolicy") {
                spec.dnsPolicy = try field("dnsPolicy", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalString() }
            } else if scanner.key(key, is: "hostNetwork") {
                spec.hostNetwork = try field("hostNetwork", &scanner) { s throws(JSONSyntaxError) in try s.readOptionalBool() }
            } else if scanner.key(key, is: "dnsConfig") {
                spec.dnsConfig = try field("dnsConfig", &scanner, readDNSConfig)
            } else {
                try scanner.skipValue()
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
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if scanner.key(key, is: "nameservers") {
                config.nameservers = try field("nameservers", &scanner, readStringList)
            } else if scanner.key(key, is: "searches") {
                config.searches = try field("searches", &scanner, readStringList)
            } else if scanner.key(key, is: "options") {
                config.options = try field("options", &scanner, readOptions)
            } else {
                try scanner.skipValue()
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
        var elements = try scanner.beginArray()
        while try scanner.nextElement(&elements) {
            items.append(try element(elements.index, &scanner) { s throws(JSONSyntaxError) in try s.readString() })
        }
        return .value(items)
    }

    private static func readOptions(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> JSONField<[DNSOption]> {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return .null
        }
        var options: [DNSOption] = []
        var elements = try scanner.beginArray()
        while try scanner.nextElement(&elements) {
            options.append(try element(elements.index, &scanner, readOption))
        }
        return .value(options)
    }

    private static func readOption(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> DNSOption {
        var option = DNSOption(name: "")
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if scanner.key(key, is: "name") {
                option.name = try scanner.readOptionalString() ?? ""
            } else if scanner.key(key, is: "value") {
                option.value = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        return option
    }

    // MARK: - String maps

    /// A `map[string]string` (labels, annotations) added to `map`; a repeated key keeps the last value.
    private static func readStringMap(_ scanner: inout JSONScanner, into map: inout [String: String]) throws(JSONSyntaxError) {
        try forEachStringMember(&scanner) { s, key, value in
            // Room for a Pod's usual handful at once, instead of regrowing from one entry.
            if map.isEmpty { map.reserveCapacity(8) }
            map[s.decode(key)] = value
        }
    }

    /// The members of a `map[string]string` (also `kind` and `resource`, whose members are all
    /// strings): `null` reads as empty and `null` values are skipped. `body` gets each key as a token,
    /// decoded only where it is kept, and the scanner to decode or compare it with.
    private static func forEachStringMember(
        _ scanner: inout JSONScanner, _ body: (borrowing JSONScanner, JSONScanner.StringToken, String) -> Void
    ) throws(JSONSyntaxError) {
        if try scanner.peekKind() == .null {
            try scanner.readNull()
            return
        }
        var members = try scanner.beginObject()
        while let key = try scanner.nextMember(&members) {
            if let value = try member(key, &scanner, { s throws(JSONSyntaxError) in try s.readOptionalString() }) {
                body(scanner, key, value)
            }
        }
    }
}
