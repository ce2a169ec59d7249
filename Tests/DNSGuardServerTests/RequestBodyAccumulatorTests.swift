@testable import DNSGuardServer
import NIOCore
import Testing

@Suite struct RequestBodyAccumulatorTests {
    @Test func declaredLengthOverTheLimitIsRefusedBeforeAnyByte() {
        var body = RequestBodyAccumulator(limit: 10)
        #expect(body.begin(declaredLength: 11) == .tooLarge)
        #expect(body.finish() == nil)
    }

    @Test func declaredLengthAtTheLimitIsAccepted() {
        var body = RequestBodyAccumulator(limit: 10)
        #expect(body.begin(declaredLength: 10) == .accepted)
        #expect(body.append(ByteBuffer(string: "0123456789")) == .accepted)
        #expect(body.finish() == ByteBuffer(string: "0123456789"))
    }

    @Test func partsAreJoinedInOrder() {
        var body = RequestBodyAccumulator(limit: 100)
        #expect(body.begin(declaredLength: nil) == .accepted)
        for part in ["{\"a\":", "1", "}"] {
            #expect(body.append(ByteBuffer(string: part)) == .accepted)
        }
        #expect(body.finish() == ByteBuffer(string: "{\"a\":1}"))
    }

    @Test func chunkedBodyPassingTheLimitIsRefusedAndDropped() {
        var body = RequestBodyAccumulator(limit: 8)
        #expect(body.begin(declaredLength: nil) == .accepted)
        #expect(body.append(ByteBuffer(string: "12345")) == .accepted)
        #expect(body.append(ByteBuffer(string: "6789")) == .tooLarge)
        #expect(body.append(ByteBuffer(string: "0")) == .tooLarge)
        #expect(body.finish() == nil)
    }

    @Test func noBodyIsEmpty() {
        var body = RequestBodyAccumulator(limit: 8)
        #expect(body.begin(declaredLength: 0) == .accepted)
        #expect(body.finish() == ByteBuffer())
    }
}
