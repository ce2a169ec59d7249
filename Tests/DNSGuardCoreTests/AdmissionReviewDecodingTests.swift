import DNSGuardCore
import Foundation
import Testing

@Suite struct AdmissionReviewDecodingTests {
    @Test func decodesWhatTheRulesNeedFromARealPodCreate() throws {
        let review = try AdmissionReview.decode(Fixture.data("pod-create-v1.json"))
        #expect(review.apiVersion == "admission.k8s.io/v1")
        let request = review.request
        #expect(request.uid == "0d6f4a8e-3c1b-4f5e-9a7d-2b8c6e1f0a93")
        #expect(request.kind == GroupVersionKind(group: "", version: "v1", kind: "Pod"))
        #expect(request.resource == GroupVersionResource(group: "", version: "v1", resource: "pods"))
        #expect(request.subResource.isEmpty)
        #expect(request.operation == "CREATE")
        #expect(request.namespace == "shop")
        #expect(request.name.isEmpty)
        #expect(request.username == "system:serviceaccount:kube-system:replicaset-controller")
        #expect(request.dryRun == false)
        let object = try #require(request.object)
        #expect(object.kind == "Pod")
        #expect(object.metadata.generateName == "checkout-7d9c5b8f6d-")
        #expect(object.metadata.labels["app"] == "checkout")
        #expect(object.metadata.ownerReferences == [OwnerReference(kind: "ReplicaSet", name: "checkout-7d9c5b8f6d", controller: true)])
        #expect(object.spec == PodDNSSpec(dnsPolicy: "ClusterFirst", hostNetwork: false, dnsConfig: .absent))
    }

    @Test(arguments: [
        ("null", JSONField<PodDNSConfig>.null),
        ("{}", .value(PodDNSConfig())),
        (#"{"options":null}"#, .value(PodDNSConfig(options: .null))),
        (#"{"options":[]}"#, .value(PodDNSConfig(options: .value([])))),
        (#"{"nameservers":["10.0.0.2"],"searches":null,"options":[{"name":"ndots","value":"2"},{"name":"use-vc"},{"value":"x"}]}"#,
         .value(PodDNSConfig(nameservers: .value(["10.0.0.2"]), searches: .null, options: .value([
             DNSOption(name: "ndots", value: "2"), DNSOption(name: "use-vc"), DNSOption(name: "", value: "x"),
         ])))),
    ])
    func tracksDNSConfigPresence(json: String, expected: JSONField<PodDNSConfig>) throws {
        let review = try Fixture.json("pod-create-v1.json").patched([
            PatchOperation(op: .add, path: "/request/object/spec/dnsConfig", value: JSONValue(parsing: json)),
        ])
        let decoded = try AdmissionReview.decode(review.serialized())
        #expect(decoded.request.object?.spec?.dnsConfig == expected)
    }

    @Test func v1beta1IsDecoded() throws {
        let review = try AdmissionReview.decode(Fixture.data("pod-create-v1beta1.json"))
        #expect(review.apiVersion == "admission.k8s.io/v1beta1")
        #expect(review.request.uid == "6a0f3e2d-1b4c-4d5e-8f9a-0b1c2d3e4f5a")
    }

    @Test func configMapDataKeepsDocumentOrder() throws {
        let json = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
             "kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},
             "operation":"UPDATE","namespace":"kube-system","object":{"apiVersion":"v1","kind":"ConfigMap",
             "metadata":{"name":"coredns"},"data":{"Corefile":".:53 {\\n  forward . /etc/resolv.conf\\n}\\n",
             "zeta.server":"z","alpha.override":"a","Corefile-second":"b"}}}}
            """
        let review = try AdmissionReview.decode(Data(json.utf8))
        let data = try #require(review.request.object?.data)
        #expect(data.map(\.key) == ["Corefile", "zeta.server", "alpha.override", "Corefile-second"])
        #expect(data.first?.value == ".:53 {\n  forward . /etc/resolv.conf\n}\n")
        #expect(review.request.object?.spec == nil)
    }

    @Test func unknownFieldsAndEscapesAreHandled() throws {
        let json = #"""
            {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","future":{"a":[1,2.5e3,-0.1,true,null,"\u00e9\ud83d\ude00"]},
             "request":{"uid":"u\u002d2","operation":"CREATE","object":{"metadata":{"annotations":{"note":"tab\there \"quoted\""}},
             "spec":{"hostNetwork":true,"dnsPolicy":"ClusterFirst","x":{"y":[[[]]]}}}}}
            """#
        let review = try AdmissionReview.decode(Data(json.utf8))
        #expect(review.request.uid == "u-2")
        #expect(review.request.object?.metadata.annotations["note"] == "tab\there \"quoted\"")
        #expect(review.request.object?.spec?.hostNetwork == true)
    }

    @Test func aOneMegabytePodDecodes() throws {
        let big = String(repeating: "x", count: 1_000_000)
        let review = try Fixture.json("pod-create-v1.json").patched([
            PatchOperation(op: .add, path: "/request/object/metadata/annotations", value: .object([("blob", .string(big))])),
        ])
        let body = review.serialized()
        #expect(body.count > 1_000_000)
        let decoded = try AdmissionReview.decode(body)
        #expect(decoded.request.object?.metadata.annotations["blob"]?.count == 1_000_000)
    }

    @Test(arguments: [
        ("", "malformed"),
        ("not json", "malformed"),
        ("{\"kind\":\"AdmissionReview\"", "malformed"),
        ("[1,2]", "must be a JSON object"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"a"}} trailing"#, "after the JSON value"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"operation":"CREATE"}}"#, "no uid"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":""}}"#, "no uid"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}"#, "no request"),
        (#"{"kind":"Pod","apiVersion":"v1","request":{"uid":"a"}}"#, "not an AdmissionReview"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v2","request":{"uid":"a"}}"#, "unsupported"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"a","object":{"spec":{"hostNetwork":"yes"}}}}"#,
         "request.object.spec.hostNetwork"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"a","object":{"spec":{"dnsConfig":{"options":[{"name":1}]}}}}}"#,
         "request.object.spec.dnsConfig.options[0]"),
        (#"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"a\u12"}}"#, "escape"),
        ("{\"kind\":\"AdmissionReview\",\"x\":\"a\u{01}b\"}", "control character"),
        ("{\"kind\":\"AdmissionReview\",\"x\":" + String(repeating: "[", count: 600), "deeper"),
    ])
    func badBodiesGetAClearReason(body: String, reason: String) {
        #expect {
            _ = try AdmissionReview.decode(Data(body.utf8))
        } throws: { error in
            guard let error = error as? AdmissionReviewError else { return false }
            return error.description.contains(reason)
        }
    }

    /// Truncated and corrupted bodies (a client cut off mid-request, a proxy mangling bytes) get an
    /// error or a decision, never a crash.
    @Test func damagedBodiesNeverCrash() throws {
        let body = try Fixture.data("pod-create-v1.json")
        let policy = AdmissionPolicy(configuration: TestConfiguration.configuration, platform: .ec2)
        var decided = 0
        // The fixture ends in "}\n": every shorter prefix lacks the closing brace.
        for length in stride(from: 0, to: body.count - 2, by: 3) {
            if (try? policy.review(body.prefix(length), webhook: .mutatePods(profile: "isolated"))) != nil { decided += 1 }
        }
        #expect(decided == 0, "a truncated review must not be answered")
        var generator = SplitMix64(seed: 0x5EED)
        let replacements = Array("{}[]\",:0\\u\u{0}\u{7F}é\"n".utf8)
        for _ in 0..<2_000 {
            var damaged = [UInt8](body)
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let position = Int(generator.next() % UInt64(damaged.count))
                damaged[position] = replacements[Int(generator.next() % UInt64(replacements.count))]
            }
            for webhook in [WebhookKind.mutatePods(profile: "isolated"), .validatePods, .validateConfigMaps] {
                if let result = try? policy.review(Data(damaged), webhook: webhook) {
                    #expect(!result.responseBody.isEmpty)
                }
            }
        }
    }

    /// The server hands the policy its receive buffer in place: the same bytes must get the same
    /// answer, audit record and error as through `Data`, also from a buffer that starts mid-way in
    /// memory (offsets and error positions count from the buffer's start).
    @Test(arguments: ["pod-create-v1.json", "pod-create-v1beta1.json", "pod-create-use-vc.json", "pod-update-v1.json"])
    func aBufferInPlaceIsReviewedLikeData(fixture: String) throws {
        let body = try Fixture.data(fixture)
        let policy = AdmissionPolicy(configuration: TestConfiguration.configuration, platform: .ec2)
        let padded = [UInt8](repeating: 0x20, count: 5) + [UInt8](body)
        for webhook in [WebhookKind.mutatePods(profile: "isolated"), .validatePods, .validateConfigMaps] {
            for length in [body.count, body.count / 2] {
                let viaData = Result { () throws(AdmissionReviewError) in try policy.review(body.prefix(length), webhook: webhook) }
                let inPlace = padded.withUnsafeBytes { bytes in
                    Result { () throws(AdmissionReviewError) in
                        try policy.review(UnsafeRawBufferPointer(rebasing: bytes[5..<(5 + length)]), webhook: webhook)
                    }
                }
                switch (viaData, inPlace) {
                case let (.success(expected), .success(actual)):
                    #expect(actual.responseBody == expected.responseBody)
                    #expect(actual.audit == expected.audit)
                    #expect(actual.allowed == expected.allowed)
                case let (.failure(expected), .failure(actual)):
                    #expect(actual == expected)
                default:
                    Issue.record("\(fixture), \(length) bytes: \(viaData) in place gave \(inPlace)")
                }
            }
        }
    }

    @Test func theUIDIsKeptForTheLogWhenTheRestIsBroken() {
        let body = #"{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"abc","object":{"spec":{"hostNetwork":1}}}}"#
        #expect {
            _ = try AdmissionReview.decode(Data(body.utf8))
        } throws: { error in
            (error as? AdmissionReviewError)?.uid == "abc"
        }
    }
}

/// A small deterministic generator so that the damaged inputs are the same on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
