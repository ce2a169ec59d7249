import Foundation

/// The fields `AdmissionReview.decode` reads, as plain Decodable structs: the JSONDecoder baseline.
struct ReferenceReview: Decodable {
    struct GVK: Decodable { var group: String?; var version: String?; var kind: String? }
    struct GVR: Decodable { var group: String?; var version: String?; var resource: String? }
    struct UserInfo: Decodable { var username: String? }
    struct Owner: Decodable { var kind: String?; var name: String?; var controller: Bool? }
    struct Metadata: Decodable {
        var name: String?
        var generateName: String?
        var namespace: String?
        var labels: [String: String]?
        var annotations: [String: String]?
        var ownerReferences: [Owner]?
    }
    struct Option: Decodable { var name: String?; var value: String? }
    struct DNSConfig: Decodable { var nameservers: [String]?; var searches: [String]?; var options: [Option]? }
    struct Spec: Decodable { var dnsPolicy: String?; var hostNetwork: Bool?; var dnsConfig: DNSConfig? }
    struct Object: Decodable { var apiVersion: String?; var kind: String?; var metadata: Metadata?; var spec: Spec? }
    struct Request: Decodable {
        var uid: String
        var kind: GVK?
        var resource: GVR?
        var subResource: String?
        var operation: String?
        var namespace: String?
        var name: String?
        var userInfo: UserInfo?
        var dryRun: Bool?
        var object: Object?
    }

    var apiVersion: String
    var kind: String
    var request: Request
}
