@testable import DNSGuardServer
import NIOCore
import Testing

@Suite struct HTTPConnectionStateMachineTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000_000)

    static func machine() -> HTTPConnectionStateMachine {
        HTTPConnectionStateMachine(idleTimeout: .seconds(60), headerTimeout: .seconds(10),
                                   requestTimeout: .seconds(20), now: start)
    }

    @Test func idleConnectionClosesAfterTheIdleTimeoutCheckingAtHeaderGranularity() {
        var machine = Self.machine()
        let first = machine.firstCheck(now: Self.start)
        #expect(first == Self.start + .seconds(10))
        var now = first
        var checks = 0
        while case .checkAgain(let next) = machine.timerFired(now: now) {
            #expect(next <= now + .seconds(10))
            now = next
            checks += 1
        }
        #expect(now == Self.start + .seconds(60))
        #expect(checks == 5)
        #expect(machine.phase == .closing)
    }

    @Test func slowHeadTimesOutAtTheHeaderDeadline() {
        var machine = Self.machine()
        machine.bytesReceived(now: Self.start + .seconds(3))
        // The timer armed at start fires before the header deadline and moves to it.
        #expect(machine.timerFired(now: Self.start + .seconds(10)) == .checkAgain(at: Self.start + .seconds(13)))
        #expect(machine.timerFired(now: Self.start + .seconds(13)) == .closeSlowHead)
    }

    @Test func moreBytesDoNotExtendTheHeaderDeadline() {
        var machine = Self.machine()
        machine.bytesReceived(now: Self.start + .seconds(1))
        machine.bytesReceived(now: Self.start + .seconds(9))
        #expect(machine.timerFired(now: Self.start + .seconds(11)) == .closeSlowHead)
    }

    @Test func slowBodyTimesOutAtTheRequestDeadline() {
        var machine = Self.machine()
        machine.bytesReceived(now: Self.start + .seconds(1))
        // The armed check (start + 10s) is before the body deadline: no re-arm needed.
        #expect(machine.headReceived(now: Self.start + .seconds(2), armedCheck: Self.start + .seconds(10)) == nil)
        #expect(machine.timerFired(now: Self.start + .seconds(10)) == .checkAgain(at: Self.start + .seconds(22)))
        #expect(machine.timerFired(now: Self.start + .seconds(22))
            == .bodyTimedOut(reason: "the request body did not arrive within 20s"))
    }

    @Test func headAskForAnEarlierCheckWhenTheArmedOneIsLater() {
        var machine = Self.machine()
        #expect(machine.headReceived(now: Self.start, armedCheck: Self.start + .seconds(30)) == Self.start + .seconds(20))
        #expect(machine.headReceived(now: Self.start, armedCheck: nil) == Self.start + .seconds(20))
    }

    @Test func respondingHasNoDeadlineAndKeepAliveReturnsToIdle() {
        var machine = Self.machine()
        machine.bytesReceived(now: Self.start)
        _ = machine.headReceived(now: Self.start, armedCheck: Self.start + .seconds(10))
        machine.requestEnded()
        #expect(machine.timerFired(now: Self.start + .seconds(10)) == .stop)
        // The timer stopped, so the response re-arms it.
        #expect(machine.responseSent(now: Self.start + .seconds(11), armedCheck: nil) == Self.start + .seconds(21))
        #expect(machine.phase == .idle(since: Self.start + .seconds(11)))
        // With a timer still armed nothing needs re-arming.
        machine.bytesReceived(now: Self.start + .seconds(12))
        _ = machine.headReceived(now: Self.start + .seconds(12), armedCheck: Self.start + .seconds(21))
        machine.requestEnded()
        #expect(machine.responseSent(now: Self.start + .seconds(12), armedCheck: Self.start + .seconds(21)) == nil)
    }

    @Test func closingStopsEverything() {
        var machine = Self.machine()
        machine.closing()
        machine.bytesReceived(now: Self.start)
        #expect(machine.headReceived(now: Self.start, armedCheck: nil) == nil)
        #expect(machine.timerFired(now: Self.start + .seconds(100)) == .stop)
    }
}
