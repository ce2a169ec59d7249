internal import COpenSSL

/// Facts about the OpenSSL library this process runs on (the system's `libssl.so.3`).
public enum OpenSSLLibrary {
    /// The runtime version string, e.g. `OpenSSL 3.0.19 27 Jan 2026`.
    public static var versionString: String {
        String(cString: OpenSSL_version(OPENSSL_VERSION))
    }

    /// The runtime version number (`0xMNN00PP0L`).
    public static var versionNumber: UInt {
        UInt(OpenSSL_version_num())
    }
}
