/// The search list kubelet writes for a `ClusterFirst` pod, before the node's own domains:
/// `<namespace>.svc.<clusterDomain> svc.<clusterDomain> <clusterDomain>`.
public enum ClusterSearchPath {
    public static let defaultClusterDomain = "cluster.local"
    public static let defaultNamespace = "default"
    /// Kubernetes' default for `ClusterFirst` pods.
    public static let defaultNdots = 5

    public static func searches(namespace: String = defaultNamespace, clusterDomain: String = defaultClusterDomain) -> [String] {
        let domain = clusterDomain.hasSuffix(".") ? String(clusterDomain.dropLast()) : clusterDomain
        return ["\(namespace).svc.\(domain)", "svc.\(domain)", domain]
    }
}
