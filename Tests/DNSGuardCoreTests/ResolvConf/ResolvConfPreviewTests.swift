import DNSGuardCore
import Testing

@Suite struct ResolvConfPreviewTests {
    static let kubelet = KubeletDNSConfigurer(
        clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local",
        node: ResolvConf(nameservers: ["10.0.0.2"], searches: ["ec2.internal", "corp.example"]))

    static func policy(_ yaml: String? = nil) throws -> AdmissionPolicy {
        let configuration = try yaml.map { try DNSGuardConfiguration.parse(yaml: $0, source: "test.yaml") } ?? .default
        return AdmissionPolicy(configuration: configuration, platform: .ec2)
    }

    static let isolated = """
        profiles:
          isolated:
            options:
              - {name: ndots, value: "1"}
            searches: cluster-only
            clusterDNS: [169.254.20.10]
        """

    static let deployment = """
        apiVersion: v1
        kind: Pod
        metadata:
          generateName: api-7d9c5b8f6d-
          namespace: shop
        spec:
          containers:
          - name: app
            image: example/app:1
          dnsConfig:
            options:
            - name: timeout
              value: "2"
        """

    @Test func defaultProfileInjectsNdots1AndTheLookupGetsCheaper() throws {
        let preview = try ResolvConfPreview(
            pod: PodManifest.parse(Self.deployment), namespace: "shop", profile: "default", policy: Self.policy(),
            kubelet: Self.kubelet, name: "kinesis.ap-northeast-1.amazonaws.com")
        #expect(preview.audit.decision == .mutated)
        #expect(preview.before.resolvConf.text == """
            search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal corp.example
            nameserver 10.96.0.10
            options ndots:5 timeout:2

            """)
        #expect(preview.after.resolvConf.options == [DNSOption(name: "ndots", value: "1"), DNSOption(name: "timeout", value: "2")])
        #expect(preview.after.resolvConf.searches == preview.before.resolvConf.searches)
        // 5 search domains before the name itself at ndots:5; the name first at ndots:1.
        #expect(preview.lookup?.before.queriesWhenOnlyTheNameExists == 12)
        #expect(preview.lookup?.after.queriesWhenOnlyTheNameExists == 2)
        #expect(preview.lines.contains("dnsguard profile default: mutated (options-injected)"))
    }

    @Test func clusterOnlyProfileDropsTheNodeSearchDomains() throws {
        let preview = try ResolvConfPreview(
            pod: PodManifest.parse(Self.deployment), namespace: "shop", profile: "isolated", policy: Self.policy(Self.isolated),
            kubelet: Self.kubelet, name: "db.internal.corp.example")
        #expect(preview.before.base == .cluster)
        #expect(preview.after.base == .none)
        #expect(preview.after.resolvConf.searches == ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"])
        #expect(preview.after.resolvConf.nameservers == ["169.254.20.10"])
        #expect(preview.after.resolvConf.ndots == 1)
        #expect(preview.lines.contains("# /etc/resolv.conf with dnsguard (kubelet: dnsPolicy None, the Pod's dnsConfig only)"))
    }

    @Test func hostNetworkClusterFirstStaysOnTheNodeResolver() throws {
        let pod = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent"},
             "spec": {"hostNetwork": true, "dnsPolicy": "ClusterFirst", "containers": [{"name": "a", "image": "a"}]}}
            """
        let preview = try ResolvConfPreview(
            pod: PodManifest.parse(pod), namespace: "monitoring", profile: "isolated", policy: Self.policy(Self.isolated), kubelet: Self.kubelet)
        #expect(preview.before.base == .node)
        #expect(preview.after.base == .node)
        #expect(preview.after.resolvConf.searches == ["ec2.internal", "corp.example"])
        #expect(preview.after.resolvConf.options == [DNSOption(name: "ndots", value: "1")])
        #expect(preview.audit.warnings.contains { $0.contains("ClusterFirstWithHostNet") })
    }

    @Test func skippedPodsKeepTheirResolvConf() throws {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: legacy
              annotations:
                dnsguard.dev/skip: "true"
            spec:
              containers: [{name: a, image: a}]
            """
        let preview = try ResolvConfPreview(
            pod: PodManifest.parse(pod), namespace: "default", profile: "default", policy: Self.policy(), kubelet: Self.kubelet)
        #expect(preview.audit.decision == .skipped)
        #expect(preview.after == preview.before)
        #expect(preview.lines.contains("# with dnsguard: the same (no patch)"))
    }

    @Test func reviewsGiveTheirObjectAndNamespace() throws {
        let review = """
            {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
             "request": {"uid": "1", "namespace": "payments", "operation": "CREATE",
                         "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-"}, "spec": {}}}}
            """
        let manifest = try PodManifest.parse(review)
        #expect(manifest.namespace == "payments")
        #expect(manifest.displayName == "web-*")
    }

    @Test(arguments: [
        ("kind: Service\napiVersion: v1\n", "expected kind Pod or AdmissionReview, found kind Service"),
        ("{\"kind\": \"AdmissionReview\", \"request\": {}}", "the AdmissionReview has no request.object"),
        ("{not json", "not valid JSON"),
        ("- a\n- b\n", "expected a Pod or an AdmissionReview object"),
        ("", "the input is empty"),
    ])
    func unreadableInputIsAClearError(text: String, reason: String) {
        #expect {
            try PodManifest.parse(text)
        } throws: { error in
            (error as? PodManifestError)?.reason.hasPrefix(reason) == true
        }
    }

    @Test func yamlScalarsKeepTheirTypes() throws {
        let manifest = try PodManifest.parse("""
            kind: Pod
            spec:
              hostNetwork: true
              dnsConfig:
                options:
                - {name: ndots, value: "2"}
                - {name: attempts, value: 'true'}
            """)
        #expect(manifest.object["spec"]?["hostNetwork"] == .bool(true))
        let dns = KubeletPodDNS(pod: manifest.object)
        #expect(dns.hostNetwork)
        #expect(dns.dnsConfig?.options == [DNSOption(name: "ndots", value: "2"), DNSOption(name: "attempts", value: "true")])
    }
}
