/// The version reported by `dnsguard --version`, the start log line and `dnsguard_build_info`.
public enum BuildInfo {
    public static let version = "0.1.0"
}
