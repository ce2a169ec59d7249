import Foundation

/// The progress line of a long scan on standard error: silent for the first second, then updated in
/// place on a terminal (every few seconds, one line each, when standard error is a file or pipe).
struct ScanProgress {
    private let start = ContinuousClock.now
    private var lastShown: ContinuousClock.Instant?
    private var shown = false
    private let totalBytes: Int?
    private let interactive = isatty(STDERR_FILENO) == 1

    init(totalBytes: Int?) {
        self.totalBytes = totalBytes
    }

    mutating func update(bytes: Int, items: Int) {
        let now = ContinuousClock.now
        guard now - start > .seconds(1) else { return }
        if let lastShown, now - lastShown < (interactive ? .milliseconds(250) : .seconds(5)) { return }
        lastShown = now
        let seconds = Double((now - start).components.seconds) + Double((now - start).components.attoseconds) / 1e18
        var line = "scanning: \(items) items, \(bytes >> 20) MiB"
        if let totalBytes, totalBytes > 0 { line += " of \(totalBytes >> 20) MiB (\(bytes * 100 / totalBytes)%)" }
        if seconds > 0, items > 0 { line += ", \(Int(Double(items) / seconds)) items/s" }
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
        shown = true
    }

    /// Ends the progress line before anything else is written.
    mutating func clear() {
        guard shown, interactive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
