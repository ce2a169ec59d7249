import Foundation

/// AdmissionReview bodies shaped as the API server sends them (see the API server contract).
enum ReviewFixtures {
    static func podCreate(uid: String, apiVersion: String = "admission.k8s.io/v1", namespace: String = "shop",
                          options: [[String: String]]? = nil) -> Data {
        var spec: [String: Any] = [
            "containers": [["name": "web", "image": "nginx:1.27", "resources": [:]]],
            "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
            "securityContext": [:], "enableServiceLinks": true,
        ]
        if let options { spec["dnsConfig"] = ["options": options] }
        let review: [String: Any] = [
            "kind": "AdmissionReview", "apiVersion": apiVersion,
            "request": [
                "uid": uid,
                "kind": ["group": "", "version": "v1", "kind": "Pod"],
                "resource": ["group": "", "version": "v1", "resource": "pods"],
                "requestKind": ["group": "", "version": "v1", "kind": "Pod"],
                "requestResource": ["group": "", "version": "v1", "resource": "pods"],
                "namespace": namespace, "operation": "CREATE",
                "userInfo": ["username": "system:serviceaccount:kube-system:replicaset-controller",
                             "groups": ["system:serviceaccounts", "system:authenticated"]],
                "object": [
                    "kind": "Pod", "apiVersion": "v1",
                    "metadata": ["generateName": "web-7d9f8c-", "namespace": namespace, "creationTimestamp": NSNull(),
                                 "labels": ["app": "web"],
                                 "ownerReferences": [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9f8c",
                                                      "uid": "5d1c7b1e-1b2a-4c3d-9e8f-0a1b2c3d4e5f", "controller": true]]],
                    "spec": spec, "status": [:],
                ],
                "oldObject": NSNull(), "dryRun": false,
                "options": ["kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"],
            ],
        ]
        var data = try! JSONSerialization.data(withJSONObject: review, options: [.sortedKeys])
        data.append(UInt8(ascii: "\n"))
        return data
    }

    static func configMap(uid: String, corefile: String) -> Data {
        let review: [String: Any] = [
            "kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
            "request": [
                "uid": uid,
                "kind": ["group": "", "version": "v1", "kind": "ConfigMap"],
                "resource": ["group": "", "version": "v1", "resource": "configmaps"],
                "namespace": "kube-system", "operation": "UPDATE", "name": "coredns",
                "userInfo": ["username": "kubernetes-admin", "groups": ["system:masters"]],
                "object": ["kind": "ConfigMap", "apiVersion": "v1",
                           "metadata": ["name": "coredns", "namespace": "kube-system"],
                           "data": ["Corefile": corefile]],
                "oldObject": NSNull(), "dryRun": false,
            ],
        ]
        return try! JSONSerialization.data(withJSONObject: review, options: [.sortedKeys])
    }
}

/// The parts of an AdmissionReview response the tests check.
struct ReviewResponse {
    var apiVersion: String?
    var kind: String?
    var uid: String?
    var allowed: Bool?
    var patchType: String?
    var patch: [[String: Any]]?
    var auditAnnotations: [String: String]?
    var warnings: [String]?
    var statusCode: Int?
    var statusMessage: String?

    init(_ data: Data) throws {
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        apiVersion = object["apiVersion"] as? String
        kind = object["kind"] as? String
        let response = object["response"] as? [String: Any] ?? [:]
        uid = response["uid"] as? String
        allowed = response["allowed"] as? Bool
        patchType = response["patchType"] as? String
        if let encoded = response["patch"] as? String, let decoded = Data(base64Encoded: encoded) {
            patch = try JSONSerialization.jsonObject(with: decoded) as? [[String: Any]]
        }
        auditAnnotations = response["auditAnnotations"] as? [String: String]
        warnings = response["warnings"] as? [String]
        let status = response["status"] as? [String: Any]
        statusCode = status?["code"] as? Int
        statusMessage = status?["message"] as? String
    }
}
