/// How a profile treats the Pod's DNS search list.
public enum SearchMode: String, Sendable, Hashable, CaseIterable {
    /// Leave `dnsPolicy`, nameservers and searches as kubelet composes them (only options change).
    case keep
    /// Switch the Pod to `dnsPolicy: None` with the cluster's nameservers and search domains only,
    /// so the node's DHCP search domains never reach the Pod.
    case clusterOnly = "cluster-only"
}
