import Foundation

/// An incoming AdmissionReview (`admission.k8s.io/v1` or `v1beta1`): the version to answer in and the
/// request. Decoding reads only the fields the rules need and skips the rest of the object unbuilt.
public struct AdmissionReview: Sendable, Hashable {
    /// The review versions dnsguard speaks; the response always uses the request's.
    public static let supportedVersions = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]

    public var apiVersion: String
    public var request: AdmissionRequest

    public init(apiVersion: String, request: AdmissionRequest) {
        self.apiVersion = apiVersion
        self.request = request
    }

    /// Decodes a review; fails with a reason when the body is not JSON, not an AdmissionReview of a
    /// supported version, or has no `request.uid`.
    public static func decode(_ body: Data) throws(AdmissionReviewError) -> AdmissionReview {
        let result: Result<AdmissionReview, AdmissionReviewError> = body.withUnsafeBytes { bytes in
            do throws(AdmissionReviewError) {
                return .success(try AdmissionReviewDecoder.decode(bytes))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case let .success(review): return review
        case let .failure(error): throw error
        }
    }
}
