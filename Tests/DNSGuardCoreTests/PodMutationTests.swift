import DNSGuardCore
import Foundation
import Testing

/// PRODUCT.md "Mutation semantics" and "Search-domain hygiene", case by case, on a Pod CREATE review
/// as the API server sends it. Every patch is applied with dnsguard's JSONPatch and Python's jsonpatch,
/// the result is checked, the rest of the Pod must be unchanged, and a reinvocation must not patch again.
@Suite struct PodMutationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Set-up operations on the review: `(op, path below /request, JSON value)`.
        var setup: [(PatchOperation.Kind, String, String?)] = []
        var profile = "default"
        var decision: Decision
        var reason: String
        /// `spec.dnsConfig.options` expected after the patch (`nil`: not checked).
        var options: [DNSOption]? = nil
        var dnsPolicy: String? = nil
        var nameservers: [String]? = nil
        var searches: [String]? = nil
        /// Exact patch paths expected, in order (`nil`: not checked).
        var paths: [String]? = nil
        var warnings: [String] = []

        var testDescription: String { name }
    }

    static let ndots1 = DNSOption(name: "ndots", value: "1")
    static let isolatedSearches = ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"]

    static let cases: [Case] = [
        // dnsConfig shapes: the patch must fit each.
        Case(name: "no dnsConfig", decision: .mutated, reason: "options-injected", options: [ndots1],
             dnsPolicy: "ClusterFirst", paths: ["/spec/dnsConfig"]),
        Case(name: "dnsConfig null", setup: [(.add, "/object/spec/dnsConfig", "null")], decision: .mutated,
             reason: "options-injected", options: [ndots1], paths: ["/spec/dnsConfig"]),
        Case(name: "dnsConfig {}", setup: [(.add, "/object/spec/dnsConfig", "{}")], decision: .mutated,
             reason: "options-injected", options: [ndots1], paths: ["/spec/dnsConfig/options"]),
        Case(name: "options null", setup: [(.add, "/object/spec/dnsConfig", #"{"options":null}"#)], decision: .mutated,
             reason: "options-injected", options: [ndots1], paths: ["/spec/dnsConfig/options"]),
        Case(name: "options []", setup: [(.add, "/object/spec/dnsConfig", #"{"options":[]}"#)], decision: .mutated,
             reason: "options-injected", options: [ndots1], paths: ["/spec/dnsConfig/options/-"]),
        Case(name: "other options kept in order",
             setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"timeout","value":"2"},{"name":"edns0"}]}"#)],
             decision: .mutated, reason: "options-injected",
             options: [DNSOption(name: "timeout", value: "2"), DNSOption(name: "edns0"), ndots1],
             paths: ["/spec/dnsConfig/options/-"]),
        Case(name: "nameservers and searches untouched",
             setup: [(.add, "/object/spec/dnsConfig",
                      #"{"nameservers":["10.0.0.2"],"searches":["corp.example"],"options":[{"name":"edns0"}]}"#)],
             decision: .mutated, reason: "options-injected", options: [DNSOption(name: "edns0"), ndots1],
             nameservers: ["10.0.0.2"], searches: ["corp.example"]),
        // Conflicts.
        Case(name: "same option already there", setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"ndots","value":"1"}]}"#)],
             decision: .unchanged, reason: "already-configured", options: [ndots1]),
        Case(name: "keep: the Pod's value wins with a warning",
             setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"ndots","value":"5"}]}"#)],
             decision: .unchanged, reason: "already-configured", options: [DNSOption(name: "ndots", value: "5")],
             warnings: ["ndots:5"]),
        Case(name: "keep: the Pod's last duplicate is the one named",
             setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"ndots","value":"5"},{"name":"ndots","value":"3"}]}"#)],
             decision: .unchanged, reason: "already-configured",
             options: [DNSOption(name: "ndots", value: "5"), DNSOption(name: "ndots", value: "3")], warnings: ["ndots:3"]),
        Case(name: "keep: a long or odd Pod value is shortened and cleaned in the warning",
             setup: [(.add, "/object/spec/dnsConfig",
                      "{\"options\":[{\"name\":\"ndots\",\"value\":\"5\\u0007" + String(repeating: "9", count: 200) + "\"}]}")],
             decision: .unchanged, reason: "already-configured", warnings: ["Pod sets ndots:5 "]),
        Case(name: "override replaces the Pod's value in place", setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"ndots","value":"5"},{"name":"rotate"}]}"#)],
             profile: "override", decision: .mutated, reason: "options-injected", options: [ndots1, DNSOption(name: "rotate"), DNSOption(name: "edns0")],
             paths: ["/spec/dnsConfig/options/0", "/spec/dnsConfig/options/-"]),
        Case(name: "override of an option without value", setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"edns0"},{"name":"ndots"}]}"#)],
             profile: "override", decision: .mutated, reason: "options-injected", options: [DNSOption(name: "edns0"), ndots1],
             paths: ["/spec/dnsConfig/options/1"]),
        Case(name: "override with equal values changes nothing", setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"edns0"},{"name":"ndots","value":"1"}]}"#)],
             profile: "override", decision: .unchanged, reason: "already-configured"),
        Case(name: "several options, some present", setup: [(.add, "/object/spec/dnsConfig", #"{"options":[{"name":"single-request-reopen"}]}"#)],
             profile: "multi", decision: .mutated, reason: "options-injected",
             options: [DNSOption(name: "single-request-reopen"), ndots1, DNSOption(name: "timeout", value: "2")]),
        // dnsPolicy and hostNetwork.
        Case(name: "dnsPolicy unset", setup: [(.remove, "/object/spec/dnsPolicy", nil)], decision: .mutated,
             reason: "options-injected", options: [ndots1]),
        Case(name: "ClusterFirstWithHostNet", setup: [
            (.replace, "/object/spec/dnsPolicy", #""ClusterFirstWithHostNet""#), (.add, "/object/spec/hostNetwork", "true"),
        ], decision: .mutated, reason: "options-injected", options: [ndots1], dnsPolicy: "ClusterFirstWithHostNet"),
        Case(name: "hostNetwork with ClusterFirst warns", setup: [(.add, "/object/spec/hostNetwork", "true")],
             decision: .mutated, reason: "options-injected", options: [ndots1], dnsPolicy: "ClusterFirst",
             warnings: ["ClusterFirstWithHostNet"]),
        Case(name: "Default is left alone", setup: [(.replace, "/object/spec/dnsPolicy", #""Default""#)],
             decision: .skipped, reason: "dns-policy-not-selected"),
        Case(name: "None is left alone", setup: [
            (.replace, "/object/spec/dnsPolicy", #""None""#),
            (.add, "/object/spec/dnsConfig", #"{"nameservers":["1.1.1.1"]}"#),
        ], decision: .skipped, reason: "dns-policy-not-selected"),
        Case(name: "Default when the profile lists it", setup: [(.replace, "/object/spec/dnsPolicy", #""Default""#)],
             profile: "everything", decision: .mutated, reason: "options-injected", options: [ndots1], dnsPolicy: "Default"),
        Case(name: "None when the profile lists it", setup: [
            (.replace, "/object/spec/dnsPolicy", #""None""#),
            (.add, "/object/spec/dnsConfig", #"{"nameservers":["1.1.1.1"]}"#),
        ], profile: "everything", decision: .mutated, reason: "options-injected", options: [ndots1], dnsPolicy: "None",
             nameservers: ["1.1.1.1"]),
        // Requests that are not mutated.
        Case(name: "UPDATE", setup: [(.replace, "/operation", #""UPDATE""#)], decision: .skipped, reason: "operation-update"),
        Case(name: "DELETE", setup: [(.replace, "/operation", #""DELETE""#), (.replace, "/object", "null")],
             decision: .skipped, reason: "operation-delete"),
        Case(name: "subresource", setup: [(.add, "/subResource", #""ephemeralcontainers""#)],
             decision: .skipped, reason: "subresource-ephemeralcontainers"),
        Case(name: "not a pod", setup: [(.replace, "/resource", #"{"group":"apps","version":"v1","resource":"deployments"}"#)],
             decision: .skipped, reason: "not-a-pod"),
        Case(name: "skip annotation", setup: [(.add, "/object/metadata/annotations", #"{"dnsguard.dev/skip":"true"}"#)],
             decision: .skipped, reason: "skip-annotation"),
        Case(name: "skip annotation false", setup: [(.add, "/object/metadata/annotations", #"{"dnsguard.dev/skip":"false"}"#)],
             decision: .mutated, reason: "options-injected", options: [ndots1]),
        Case(name: "excluded namespace", setup: [(.replace, "/namespace", #""kube-system""#)],
             decision: .skipped, reason: "excluded-namespace"),
        Case(name: "unknown profile", profile: "nosuch", decision: .skipped, reason: "unknown-profile"),
        Case(name: "dry run is mutated like any request", setup: [(.replace, "/dryRun", "true")],
             decision: .mutated, reason: "options-injected", options: [ndots1]),

        // searches: cluster-only.
        Case(name: "cluster-only, no dnsConfig", profile: "isolated", decision: .mutated, reason: "searches-cluster-only",
             options: [ndots1, DNSOption(name: "single-request-reopen")], dnsPolicy: "None",
             nameservers: ["169.254.20.10"], searches: isolatedSearches,
             paths: ["/spec/dnsPolicy", "/spec/dnsConfig"], warnings: ["dnsPolicy set to None"]),
        Case(name: "cluster-only keeps the Pod's own nameservers, searches and options after the cluster's", setup: [
            (.add, "/object/spec/dnsConfig",
             #"{"nameservers":["10.0.0.2","169.254.20.10"],"searches":["corp.example","svc.cluster.local.","corp.example"],"options":[{"name":"ndots","value":"2"}]}"#),
        ], profile: "isolated", decision: .mutated, reason: "searches-cluster-only",
             options: [DNSOption(name: "ndots", value: "2"), DNSOption(name: "single-request-reopen")], dnsPolicy: "None",
             nameservers: ["169.254.20.10", "10.0.0.2"], searches: isolatedSearches + ["corp.example"],
             warnings: ["ndots:2", "dnsPolicy set to None"]),
        Case(name: "cluster-only, dnsConfig {}", setup: [(.add, "/object/spec/dnsConfig", "{}")], profile: "isolated", decision: .mutated, reason: "searches-cluster-only", options: [ndots1, DNSOption(name: "single-request-reopen")],
             dnsPolicy: "None", nameservers: ["169.254.20.10"], searches: isolatedSearches, warnings: ["dnsPolicy set to None"]),
        Case(name: "cluster-only, dnsConfig null", setup: [(.add, "/object/spec/dnsConfig", "null")], profile: "isolated", decision: .mutated, reason: "searches-cluster-only", dnsPolicy: "None", nameservers: ["169.254.20.10"],
             searches: isolatedSearches, warnings: ["dnsPolicy set to None"]),
        Case(name: "cluster-only, dnsPolicy unset", setup: [(.remove, "/object/spec/dnsPolicy", nil)], profile: "isolated", decision: .mutated, reason: "searches-cluster-only", dnsPolicy: "None", nameservers: ["169.254.20.10"],
             searches: isolatedSearches, warnings: ["dnsPolicy set to None"]),
        Case(name: "cluster-only, ClusterFirstWithHostNet", setup: [
            (.replace, "/object/spec/dnsPolicy", #""ClusterFirstWithHostNet""#), (.add, "/object/spec/hostNetwork", "true"),
        ], profile: "isolated", decision: .mutated, reason: "searches-cluster-only", dnsPolicy: "None",
             nameservers: ["169.254.20.10"], searches: isolatedSearches, warnings: ["dnsPolicy set to None"]),
        Case(name: "cluster-only, hostNetwork with ClusterFirst gets options only", setup: [(.add, "/object/spec/hostNetwork", "true")],
             profile: "isolated", decision: .mutated, reason: "options-injected",
             options: [ndots1, DNSOption(name: "single-request-reopen")], dnsPolicy: "ClusterFirst",
             warnings: ["ClusterFirstWithHostNet"]),
        Case(name: "cluster-only, too many nameservers", setup: [
            (.add, "/object/spec/dnsConfig", #"{"nameservers":["10.0.0.2","10.0.0.3","10.0.0.4"]}"#),
        ], profile: "isolated", decision: .mutated, reason: "options-injected",
             options: [ndots1, DNSOption(name: "single-request-reopen")], dnsPolicy: "ClusterFirst",
             nameservers: ["10.0.0.2", "10.0.0.3", "10.0.0.4"], warnings: ["limit of 3"]),
        Case(name: "cluster-only, too many search domains", setup: [
            (.add, "/object/spec/dnsConfig", "{\"searches\":[" + (1...30).map { "\"d\($0).example\"" }.joined(separator: ",") + "]}"),
        ], profile: "isolated", decision: .mutated, reason: "options-injected", dnsPolicy: "ClusterFirst",
             warnings: ["33 search domains exceed the limit of 32"]),
        Case(name: "cluster-only, search list too long", setup: [
            (.add, "/object/spec/dnsConfig", "{\"searches\":["
                + (10...19).map { "\"" + String(repeating: "a", count: 63) + ".\(String(repeating: "b", count: 63)).\(String(repeating: "c", count: 63)).x\($0).example\"" }
                    .joined(separator: ",") + "]}"),
        ], profile: "isolated", decision: .mutated, reason: "options-injected", dnsPolicy: "ClusterFirst",
             warnings: ["exceeds 2048"]),
        Case(name: "cluster-only, UPDATE", setup: [(.replace, "/operation", #""UPDATE""#)], profile: "isolated", decision: .skipped, reason: "operation-update"),
        Case(name: "cluster-only, Default not listed", setup: [(.replace, "/object/spec/dnsPolicy", #""Default""#)],
             profile: "isolated", decision: .skipped, reason: "dns-policy-not-selected"),
        Case(name: "cluster-only, Default listed gets options only", setup: [(.replace, "/object/spec/dnsPolicy", #""Default""#)],
             profile: "isolated-all", decision: .mutated, reason: "options-injected", options: [ndots1], dnsPolicy: "Default"),
        Case(name: "cluster-only, None listed gets options only", setup: [
            (.replace, "/object/spec/dnsPolicy", #""None""#),
            (.add, "/object/spec/dnsConfig", #"{"nameservers":["1.1.1.1"],"searches":["corp.example"]}"#),
        ], profile: "isolated-all", decision: .mutated, reason: "options-injected", options: [ndots1], dnsPolicy: "None",
             nameservers: ["1.1.1.1"], searches: ["corp.example"]),
        Case(name: "cluster-only, empty metadata.namespace uses the request's", setup: [
            (.remove, "/object/metadata/namespace", nil),
        ], profile: "isolated-all", decision: .mutated, reason: "searches-cluster-only", dnsPolicy: "None",
             nameservers: ["10.96.0.10", "fd00:10:96::a"],
             searches: ["shop.svc.corp.internal", "svc.corp.internal", "corp.internal"], warnings: ["dnsPolicy set to None"]),
    ]

    @Test(arguments: cases)
    func mutation(_ test: Case) throws {
        var review = try Fixture.json("pod-create-v1.json")
        for (op, path, json) in test.setup {
            review = try review.patched([PatchOperation(op: op, path: "/request" + path, value: try json.map(JSONValue.init(parsing:)))])
        }
        let outcome = try ReviewHarness.review(
            review, webhook: .mutatePods(profile: test.profile), configuration: TestConfiguration.configuration)

        #expect(outcome.allowed)
        #expect(outcome.decision == test.decision)
        #expect(outcome.result.audit.reason == test.reason)
        #expect(outcome.result.audit.profile == test.profile)
        #expect((outcome.patch.isEmpty) == (test.decision != .mutated))
        if let paths = test.paths {
            #expect(outcome.patch.map(\.path) == paths)
        }
        #expect(outcome.warnings.count == test.warnings.count, "warnings: \(outcome.warnings)")
        for expected in test.warnings {
            #expect(outcome.warnings.contains { $0.contains(expected) }, "no warning mentions \(expected): \(outcome.warnings)")
        }

        guard let patched = outcome.patchedObject, review.at("/request/object") != .null else { return }
        if let options = test.options {
            let actual = try (patched.at("/spec/dnsConfig/options")?.arrayValue ?? []).map { item in
                DNSOption(name: try #require(item["name"]?.stringValue), value: item["value"]?.stringValue)
            }
            #expect(actual == options)
        }
        if let dnsPolicy = test.dnsPolicy {
            #expect(patched.at("/spec/dnsPolicy")?.stringValue == dnsPolicy)
        }
        if let nameservers = test.nameservers {
            #expect(patched.at("/spec/dnsConfig/nameservers")?.arrayValue?.compactMap(\.stringValue) == nameservers)
        }
        if let searches = test.searches {
            #expect(patched.at("/spec/dnsConfig/searches")?.arrayValue?.compactMap(\.stringValue) == searches)
        }
        guard test.decision == .mutated else { return }

        // No option name dnsguard manages appears twice unless the Pod itself repeated it.
        let original = try #require(review.at("/request/object"))
        let names = (patched.at("/spec/dnsConfig/options")?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let originalNames = (original.at("/spec/dnsConfig/options")?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        for name in Set(names) where names.filter({ $0 == name }).count > 1 {
            #expect(originalNames.filter { $0 == name }.count > 1, "dnsguard duplicated \(name)")
        }
        for list in ["nameservers", "searches"] {
            let items = patched.at("/spec/dnsConfig/\(list)")?.arrayValue ?? []
            let originalItems = original.at("/spec/dnsConfig/\(list)")?.arrayValue ?? []
            if items != originalItems { #expect(Set(items).count == items.count, "duplicate \(list): \(items)") }
        }
        // Nothing the API server's Pod validation would now reject, and only dnsPolicy and dnsConfig changed.
        let introduced = Set(KubernetesPodDNSRules.violations(in: patched)).subtracting(KubernetesPodDNSRules.violations(in: original))
        #expect(introduced.isEmpty, "the patch makes the Pod invalid: \(introduced)")
        #expect(JSONPatch.equal(try ReviewHarness.withoutDNS(patched), try ReviewHarness.withoutDNS(original)))

        // Reinvocation with the patched Pod changes nothing.
        let again = try ReviewHarness.review(
            try ReviewHarness.reinvocation(of: review, object: patched), webhook: .mutatePods(profile: test.profile),
            configuration: TestConfiguration.configuration)
        #expect(again.patch.isEmpty, "reinvocation patched again: \(again.patch)")
        #expect(again.decision == .unchanged || again.decision == .skipped)
    }
}

/// The patch each profile prepares once must be exactly what planning builds for a Pod without
/// `dnsConfig`, down to the JSON bytes the response and the audit line carry.
@Suite struct PreparedPatchTests {
    static let specs: [PodDNSSpec] = [
        PodDNSSpec(),
        PodDNSSpec(dnsPolicy: "ClusterFirst"),
        PodDNSSpec(dnsPolicy: "ClusterFirst", dnsConfig: .null),
        PodDNSSpec(dnsPolicy: "ClusterFirstWithHostNet", hostNetwork: true),
        PodDNSSpec(dnsPolicy: "ClusterFirst", hostNetwork: true),
        PodDNSSpec(dnsPolicy: "Default"),
        PodDNSSpec(dnsPolicy: "None", dnsConfig: .value(PodDNSConfig(nameservers: .value(["10.0.0.2"])))),
        PodDNSSpec(dnsConfig: .value(PodDNSConfig(options: .value([DNSOption(name: "ndots", value: "5")])))),
        PodDNSSpec(dnsConfig: .value(PodDNSConfig())),
    ]

    @Test func aPodWithoutDNSConfigGetsThePreparedPatch() throws {
        let profile = try #require(TestConfiguration.configuration.profiles["default"])
        let prepared = PodDNSMutation.preparedPatch(for: profile)
        for spec in [PodDNSSpec(), PodDNSSpec(dnsPolicy: "ClusterFirst", dnsConfig: .null)] {
            let mutation = PodDNSMutation.plan(for: spec, namespace: "shop", profile: profile, prepared: prepared)
            #expect(mutation.preparedJSON == prepared.json)
        }
    }

    @Test(arguments: TestConfiguration.configuration.profiles.values.sorted { $0.name < $1.name })
    func preparedPlanIsThePlan(profile: DNSProfile) throws {
        let prepared = PodDNSMutation.preparedPatch(for: profile)
        #expect(prepared.json == Array(PatchOperation.serialized(prepared.operations)))
        for spec in Self.specs {
            for namespace in ["shop", ""] {
                let built = PodDNSMutation.plan(for: spec, namespace: namespace, profile: profile)
                var reused = PodDNSMutation.plan(for: spec, namespace: namespace, profile: profile, prepared: prepared)
                if let json = reused.preparedJSON {
                    #expect(reused.patch == prepared.operations)
                    #expect(json == Array(PatchOperation.serialized(built.patch)))
                }
                reused.preparedJSON = nil
                #expect(reused == built, "profile \(profile.name), \(spec), namespace \"\(namespace)\"")
            }
        }
    }
}
