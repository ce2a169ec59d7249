import DNSGuardCore
import Testing

@Suite struct KubeletDNSConfigurerTests {
    static let node = ResolvConf(
        nameservers: ["10.0.0.2"], searches: ["ec2.internal", "corp.example"], options: [DNSOption(name: "timeout", value: "2")])
    static let kubelet = KubeletDNSConfigurer(clusterDNS: ["10.96.0.10"], clusterDomain: "cluster.local", node: node)
    static let clusterFile = """
        search shop.svc.cluster.local svc.cluster.local cluster.local ec2.internal corp.example
        nameserver 10.96.0.10
        options ndots:5

        """
    static let nodeFile = "search ec2.internal corp.example\nnameserver 10.0.0.2\noptions timeout:2\n"

    @Test(arguments: [
        (KubeletPodDNS(), KubeletDNSConfigurer.Base.cluster, clusterFile),
        (KubeletPodDNS(dnsPolicy: ""), .cluster, clusterFile),
        (KubeletPodDNS(dnsPolicy: "ClusterFirst"), .cluster, clusterFile),
        (KubeletPodDNS(dnsPolicy: "ClusterFirst", hostNetwork: true), .node, nodeFile),
        (KubeletPodDNS(dnsPolicy: "ClusterFirstWithHostNet", hostNetwork: true), .cluster, clusterFile),
        (KubeletPodDNS(dnsPolicy: "ClusterFirstWithHostNet"), .cluster, clusterFile),
        (KubeletPodDNS(dnsPolicy: "Default"), .node, nodeFile),
        (KubeletPodDNS(dnsPolicy: "None", dnsConfig: ResolvConf(
            nameservers: ["1.1.1.1"], searches: ["a.example"], options: [DNSOption(name: "ndots", value: "2")])),
         .none, "search a.example\nnameserver 1.1.1.1\noptions ndots:2\n"),
        (KubeletPodDNS(dnsPolicy: "None"), .none, ""),
    ])
    func basePerDNSPolicy(pod: KubeletPodDNS, base: KubeletDNSConfigurer.Base, file: String) {
        let result = Self.kubelet.resolvConf(for: pod, namespace: "shop")
        #expect(result.base == base)
        #expect(result.resolvConf.text == file)
        #expect(result.limitEvents.isEmpty)
    }

    @Test func podDNSConfigIsAppendedWithoutDuplicatesAndOptionsMergedByName() {
        let pod = KubeletPodDNS(dnsPolicy: "ClusterFirst", dnsConfig: ResolvConf(
            nameservers: ["10.96.0.10", "8.8.8.8"], searches: ["svc.cluster.local", "extra.example"],
            options: [DNSOption(name: "ndots", value: "1"), DNSOption(name: "single-request-reopen")]))
        let conf = Self.kubelet.resolvConf(for: pod, namespace: "shop").resolvConf
        #expect(conf.nameservers == ["10.96.0.10", "8.8.8.8"])
        #expect(conf.searches == ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal", "corp.example", "extra.example"])
        #expect(conf.options == [DNSOption(name: "ndots", value: "1"), DNSOption(name: "single-request-reopen")])
        #expect(conf.ndots == 1)
    }

    @Test func nodeOptionsStayOnTheNodeBranchAndMergeWithThePods() {
        let pod = KubeletPodDNS(dnsPolicy: "Default", dnsConfig: ResolvConf(
            options: [DNSOption(name: "timeout", value: "5"), DNSOption(name: "ndots", value: "1")]))
        let conf = Self.kubelet.resolvConf(for: pod, namespace: "shop").resolvConf
        #expect(conf.options == [DNSOption(name: "timeout", value: "5"), DNSOption(name: "ndots", value: "1")])
    }

    @Test func withoutClusterDNSClusterFirstFallsBackToTheNode() {
        let kubelet = KubeletDNSConfigurer(clusterDNS: [], node: Self.node)
        #expect(kubelet.resolvConf(for: KubeletPodDNS(), namespace: "shop").base == .node)
    }

    @Test func withoutClusterDomainOnlyTheNodeSearchesRemain() {
        let kubelet = KubeletDNSConfigurer(clusterDNS: ["10.96.0.10"], clusterDomain: "", node: Self.node)
        #expect(kubelet.resolvConf(for: KubeletPodDNS(), namespace: "shop").resolvConf.searches == ["ec2.internal", "corp.example"])
    }

    @Test func nodeSearchesRepeatingClusterDomainsAreDropped() {
        let node = ResolvConf(nameservers: ["10.0.0.2"], searches: ["cluster.local", "ec2.internal"])
        let kubelet = KubeletDNSConfigurer(clusterDNS: ["10.96.0.10"], node: node)
        #expect(kubelet.resolvConf(for: KubeletPodDNS(), namespace: "default").resolvConf.searches ==
            ["default.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"])
    }

    @Test func nameserversAreCutToThree() {
        let pod = KubeletPodDNS(dnsConfig: ResolvConf(nameservers: ["1.1.1.1", "8.8.8.8", "9.9.9.9"]))
        let result = Self.kubelet.resolvConf(for: pod, namespace: "shop")
        #expect(result.resolvConf.nameservers == ["10.96.0.10", "1.1.1.1", "8.8.8.8"])
        #expect(result.limitEvents == ["Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 8.8.8.8"])
    }

    @Test func searchesAreCutTo32DomainsAndOverlongOnesDropped() {
        let many = (1...40).map { "d\($0).example" }
        let result = Self.kubelet.resolvConf(for: KubeletPodDNS(dnsPolicy: "None", dnsConfig: ResolvConf(searches: many)), namespace: "shop")
        #expect(result.resolvConf.searches == Array(many.prefix(32)))
        #expect(result.limitEvents.count == 1)
        let overlong = String(repeating: "a", count: 254)
        let dropped = Self.kubelet.resolvConf(
            for: KubeletPodDNS(dnsPolicy: "None", dnsConfig: ResolvConf(searches: ["a.example", overlong, "b.example"])), namespace: "shop")
        #expect(dropped.resolvConf.searches == ["a.example", "b.example"])
        #expect(dropped.limitEvents.first?.hasPrefix("Search Line limits were exceeded") == true)
    }

    @Test func searchesAreCutFromTheEndTo2048Characters() {
        let label = String(repeating: "x", count: 60)
        let long = (1...31).map { "\(label).d\($0).example" }   // 31 domains of 71-72 characters
        let result = Self.kubelet.resolvConf(for: KubeletPodDNS(dnsPolicy: "None", dnsConfig: ResolvConf(searches: long)), namespace: "shop")
        let line = result.resolvConf.searches.joined(separator: " ")
        #expect(line.count <= 2048)
        #expect(result.resolvConf.searches == Array(long.prefix(result.resolvConf.searches.count)))
        #expect(line.count + 1 + long[result.resolvConf.searches.count].count > 2048, "only as many domains as needed are cut")
        #expect(result.limitEvents.count == 1)
    }
}

@Suite struct ResolvConfTests {
    @Test func parsesTheWayKubeletDoes() {
        let conf = ResolvConf.parse("""
            # generated by DHCP
            nameserver 10.0.0.2
            search old.example
            options rotate
            nameserver 10.0.0.3
            search ec2.internal. corp.example
            options timeout:2 attempts:3\tndots:2
            nameserver
            """)
        #expect(conf.nameservers == ["10.0.0.2", "10.0.0.3"])
        #expect(conf.searches == ["ec2.internal", "corp.example"])
        #expect(conf.options == [DNSOption(name: "timeout", value: "2"), DNSOption(name: "attempts", value: "3"), DNSOption(name: "ndots", value: "2")])
        #expect(conf.ndots == 2)
        #expect(ResolvConf().ndots == 1)
    }

    @Test func podObjectFieldsAreRead() throws {
        let pod = JSONValue.object([
            ("spec", .object([
                ("hostNetwork", .bool(true)),
                ("dnsPolicy", .string("ClusterFirstWithHostNet")),
                ("dnsConfig", .object([
                    ("nameservers", .array([.string("1.1.1.1")])),
                    ("options", .array([.object([("name", .string("ndots")), ("value", .string("1"))]), .object([("name", .string("edns0"))])])),
                ])),
            ])),
        ])
        let dns = KubeletPodDNS(pod: pod)
        #expect(dns == KubeletPodDNS(dnsPolicy: "ClusterFirstWithHostNet", hostNetwork: true, dnsConfig: ResolvConf(
            nameservers: ["1.1.1.1"], options: [DNSOption(name: "ndots", value: "1"), DNSOption(name: "edns0")])))
        #expect(KubeletPodDNS(pod: .object([("spec", .object([("dnsConfig", .null)]))])) == KubeletPodDNS())
    }
}
