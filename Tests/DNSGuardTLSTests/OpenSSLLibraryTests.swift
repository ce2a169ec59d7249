import DNSGuardTLS
import Testing

@Suite struct OpenSSLLibraryTests {
    /// The product promises the distribution's OpenSSL 3, never BoringSSL.
    @Test func runsOnOpenSSL3() {
        #expect(OpenSSLLibrary.versionString.hasPrefix("OpenSSL 3."))
        #expect(OpenSSLLibrary.versionNumber >> 28 == 3)
    }
}
