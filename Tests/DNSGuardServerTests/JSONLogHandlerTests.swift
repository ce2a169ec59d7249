import DNSGuardCore
@testable import DNSGuardServer
import Foundation
import Logging
import Testing

@Suite struct JSONLogHandlerTests {
    @Test func eachEventIsOneParseableLineWithTimeLevelAndMessageFirst() throws {
        let log = CapturedLog()
        defer { log.writer.close() }
        var logger = log.logger()
        logger[metadataKey: "component"] = "server"
        logger.info("start", metadata: ["port": .stringConvertible(8443), "tls": .stringConvertible(true)])
        logger.warning("certificate reload", metadata: ["result": "failure"])

        let lines = log.lines()
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("{\"time\":\""))
        let objects = try log.objects()
        #expect(objects[0]["level"] as? String == "info")
        #expect(objects[0]["msg"] as? String == "start")
        #expect(objects[0]["port"] as? Int == 8443)
        #expect(objects[0]["tls"] as? Bool == true)
        #expect(objects[0]["component"] as? String == "server")
        #expect(objects[1]["level"] as? String == "warning")
        #expect(objects[1]["result"] as? String == "failure")
        let time = try #require(objects[0]["time"] as? String)
        #expect(time.count == "2026-11-23T14:55:30.123456Z".count)
        #expect(ISO8601DateFormatter().date(from: time.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)) != nil)
    }

    @Test(arguments: ["quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7} del \u{7F}", "ümlaut ✓ 🐳", ""])
    func stringsSurviveTheRoundTrip(text: String) throws {
        let log = CapturedLog()
        defer { log.writer.close() }
        log.logger().info("\(text)", metadata: ["value": .string(text), "nested": .dictionary(["list": .array([.string(text)])])])
        let lines = log.lines()
        #expect(lines.count == 1)
        let object = try #require(try log.objects().first)
        #expect(object["msg"] as? String == text)
        #expect(object["value"] as? String == text)
        let nested = try #require(object["nested"] as? [String: Any])
        #expect((nested["list"] as? [String]) == [text])
    }

    @Test func reservedKeysDoNotDuplicateTheLineFields() throws {
        let log = CapturedLog()
        defer { log.writer.close() }
        log.logger().info("event", metadata: ["time": "not the time", "msg": "other"])
        let object = try #require(try log.objects().first)
        #expect(object["msg"] as? String == "event")
        #expect(object["_time"] as? String == "not the time")
        #expect(object["_msg"] as? String == "other")
    }

    @Test func auditLineCarriesEveryField() throws {
        let log = CapturedLog()
        defer { log.writer.close() }
        let record = AuditRecord(
            uid: "0df28fbd-5f5f-11e8-bc74-36e6bb280816", webhook: "mutate-pods", profile: "default",
            operation: "CREATE", kind: "Pod", namespace: "shop", name: "", generateName: "web-7d9f8c-",
            ownerKind: "ReplicaSet", ownerName: "web-7d9f8c", user: "system:serviceaccount:kube-system:replicaset-controller",
            dryRun: false, dnsPolicy: "ClusterFirst", decision: .mutated, reason: "options-injected", rule: nil,
            patch: [PatchOperation(op: .add, path: "/spec/dnsConfig", value: .object([
                ("options", .array([.object([("name", .string("ndots")), ("value", .string("1"))])])),
            ]))],
            warnings: ["a warning"]
        )
        AuditLog(logger: log.logger()).record(record, durationMicros: 42)
        let line = try #require(try log.auditLines().first)
        #expect(line["uid"] as? String == record.uid)
        #expect(line["webhook"] as? String == "mutate-pods")
        #expect(line["profile"] as? String == "default")
        #expect(line["operation"] as? String == "CREATE")
        #expect(line["kind"] as? String == "Pod")
        #expect(line["namespace"] as? String == "shop")
        #expect(line["name"] as? String == "")
        #expect(line["generateName"] as? String == "web-7d9f8c-")
        #expect(line["ownerKind"] as? String == "ReplicaSet")
        #expect(line["ownerName"] as? String == "web-7d9f8c")
        #expect(line["user"] as? String == record.user)
        #expect(line["dryRun"] as? Bool == false)
        #expect(line["dnsPolicy"] as? String == "ClusterFirst")
        #expect(line["decision"] as? String == "mutated")
        #expect(line["reason"] as? String == "options-injected")
        #expect(line["warnings"] as? [String] == ["a warning"])
        #expect(line["durationMicros"] as? Int == 42)
        let patch = try #require(line["patch"] as? [[String: Any]])
        #expect(patch.count == 1)
        #expect(patch[0]["op"] as? String == "add")
        #expect(patch[0]["path"] as? String == "/spec/dnsConfig")
        let value = try #require(patch[0]["value"] as? [String: Any])
        let options = try #require(value["options"] as? [[String: String]])
        #expect(options == [["name": "ndots", "value": "1"]])
    }

    static let auditRecords: [AuditRecord] = [
        AuditRecord(uid: "u-1", webhook: "validate-pods", decision: .unchanged, reason: "clean"),
        AuditRecord(
            uid: "0df28fbd", webhook: "mutate-pods", profile: "default", operation: "CREATE", kind: "Pod",
            namespace: "shop", name: "", generateName: "web-", ownerKind: "ReplicaSet", ownerName: "web",
            user: "system:serviceaccount:kube-system:replicaset-controller", dryRun: true, dnsPolicy: "None",
            decision: .mutated, reason: "options-injected", rule: "ndots",
            patch: [
                PatchOperation(op: .add, path: "/spec/dnsConfig/options/-", value: .object([
                    ("name", .string("ndots")), ("value", .string("1")),
                ])),
                PatchOperation(op: .replace, path: "/spec/dnsPolicy", value: .string("None")),
                PatchOperation(op: .remove, path: "/spec/x~1y", value: nil),
            ],
            warnings: ["quote \" backslash \\ newline \n", "ümlaut ✓"]
        ),
        AuditRecord(
            uid: "\u{1}\u{7F}", webhook: "validate-configmaps", operation: "UPDATE", kind: "ConfigMap",
            namespace: "kube-system", name: "coredns", user: "admin", decision: .denied, reason: "force_tcp",
            rule: "forceTCP", warnings: []
        ),
    ]

    /// The per-review fast path writes exactly the line that logging the record's metadata would.
    @Test(arguments: auditRecords)
    func auditLineIsTheGenericLine(record: AuditRecord) throws {
        let direct = CapturedLog()
        let generic = CapturedLog()
        defer {
            direct.writer.close()
            generic.writer.close()
        }
        AuditLog(logger: direct.logger()).record(record, durationMicros: 1234)
        generic.logger().info("admission", metadata: AuditLog.metadata(for: record, durationMicros: 1234))
        let withoutTime = { (line: String) in line.replacingOccurrences(of: #"^\{"time":"[^"]*""#, with: "", options: .regularExpression) }
        let directLine = try #require(direct.lines().first)
        let genericLine = try #require(generic.lines().first)
        #expect(directLine.hasPrefix("{\"time\":\""))
        #expect(withoutTime(directLine) == withoutTime(genericLine))
        #expect(withoutTime(directLine) != directLine)
    }

    @Test func handlerMetadataStillReachesAuditLines() throws {
        let log = CapturedLog()
        defer { log.writer.close() }
        var logger = log.logger()
        logger[metadataKey: "pod"] = "dnsguard-0"
        AuditLog(logger: logger).record(Self.auditRecords[0], durationMicros: 5)
        let line = try #require(try log.auditLines().first)
        #expect(line["pod"] as? String == "dnsguard-0")
        #expect(line["uid"] as? String == "u-1")
    }

    @Test func disabledAuditWritesNothing() {
        let log = CapturedLog()
        defer { log.writer.close() }
        AuditLog(logger: log.logger(), enabled: false)
            .record(AuditRecord(uid: "u", webhook: "validate-pods", decision: .unchanged, reason: "clean"), durationMicros: 1)
        #expect(log.lines().isEmpty)
    }

    @Test func aFullQueueDropsAndCountsInsteadOfBlocking() throws {
        let gate = Gate()
        let received = ByteBox()
        // Room for exactly four of the 69-byte lines below.
        let writer = LogLineWriter(capacityBytes: 4 * 69) { bytes in
            gate.waitOpen()
            received.append(bytes)
        }
        let logger = Logger(label: "t") { JSONLogHandler(label: $0, writer: writer) }
        logger.info("first")  // taken by the writer, which then blocks in the sink
        Thread.sleep(forTimeInterval: 0.2)
        for index in 0..<10 { logger.info("line \(index)") }  // 4 queued, 6 dropped; none blocks
        gate.open()
        writer.flush()
        logger.info("after")
        writer.flush()
        writer.close()
        let lines = String(decoding: received.snapshot(), as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let messages = objects.map { $0["msg"] as? String ?? "" }
        #expect(messages.filter { $0.hasPrefix("line ") }.count == 4)
        let notice = try #require(objects.first { $0["msg"] as? String == "log lines dropped" })
        #expect(notice["count"] as? Int == 6)
        #expect(messages.contains("after"))
    }
}

/// A one-shot gate a writer's sink can wait on.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func open() { semaphore.signal() }
    func waitOpen() {
        semaphore.wait()
        semaphore.signal()
    }
}
