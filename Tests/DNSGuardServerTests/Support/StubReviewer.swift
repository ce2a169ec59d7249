import DNSGuardCore
import DNSGuardServer
import Foundation

/// Answers every review with `allowed: true` in the request's apiVersion and uid, and rejects
/// bodies without `request.uid`: enough to exercise the HTTP layer on its own.
struct StubReviewer: AdmissionReviewer {
    var profiles: Set<String> = ["default", "isolated"]

    func hasProfile(_ name: String) -> Bool { profiles.contains(name) }

    func decide(_ body: Data, webhook: WebhookKind) -> AdmissionOutcome {
        guard let review = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let request = review["request"] as? [String: Any],
              let uid = request["uid"] as? String, !uid.isEmpty
        else {
            return .rejected(reason: "request.uid is missing", uid: nil)
        }
        let apiVersion = review["apiVersion"] as? String ?? "admission.k8s.io/v1"
        let response: [String: Any] = [
            "apiVersion": apiVersion, "kind": "AdmissionReview",
            "response": ["uid": uid, "allowed": true, "auditAnnotations": ["decision": "unchanged"]],
        ]
        let data = try! JSONSerialization.data(withJSONObject: response)
        var profile: String?
        if case .mutatePods(let name) = webhook { profile = name }
        return .decided(responseBody: data, audit: AuditRecord(
            uid: uid, webhook: webhook.name, profile: profile, operation: request["operation"] as? String ?? "",
            kind: "Pod", namespace: request["namespace"] as? String ?? "", decision: .unchanged, reason: "stub"
        ))
    }
}
