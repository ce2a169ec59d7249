import DNSGuardCore
import Testing

@Suite struct IPAddressSyntaxTests {
    @Test(arguments: [
        "10.96.0.10", "169.254.20.10", "0.0.0.0", "255.255.255.255",
        "::", "::1", "fd00:10:96::a", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1", "fe80::1:2:3:4:5",
    ])
    func accepts(address: String) {
        #expect(IPAddressSyntax.isValid(address))
    }

    @Test(arguments: [
        "", "10.96.0", "10.96.0.256", "10.096.0.10", "10.96.0.10.1", "a.b.c.d", "10.96.0.10/32",
        ":::", "1::2::3", "2001:db8:0:0:0:0:0:1:2", "fe80::1%eth0", "12345::", "g::1", "kube-dns",
        "1:2:3:4:5:6:7::8:9",
    ])
    func rejects(address: String) {
        #expect(!IPAddressSyntax.isValid(address))
    }
}
