import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4): every line must be a comment,
/// blank, or `name{label="value",...} number`; anything else fails the test that scrapes.
struct PrometheusText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    enum ParseError: Error, CustomStringConvertible {
        case badLine(String)
        var description: String {
            switch self { case .badLine(let line): "not a Prometheus sample line: \(line)" }
        }
    }

    var samples: [Sample]

    static func parse(_ text: String) throws -> PrometheusText {
        var samples: [Sample] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                guard line.hasPrefix("# TYPE ") || line.hasPrefix("# HELP ") else { throw ParseError.badLine(String(line)) }
                continue
            }
            samples.append(try parseSample(String(line)))
        }
        return PrometheusText(samples: samples)
    }

    private static func parseSample(_ line: String) throws -> Sample {
        let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
        let name = String(line[..<nameEnd])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
            throw ParseError.badLine(line)
        }
        var labels: [String: String] = [:]
        var rest = line[nameEnd...]
        if rest.first == "{" {
            guard let close = rest.firstIndex(of: "}") else { throw ParseError.badLine(line) }
            let body = rest[rest.index(after: rest.startIndex)..<close]
            for pair in body.split(separator: ",") {
                guard let equals = pair.firstIndex(of: "=") else { throw ParseError.badLine(line) }
                let key = String(pair[..<equals])
                var value = pair[pair.index(after: equals)...]
                guard value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 else { throw ParseError.badLine(line) }
                value = value.dropFirst().dropLast()
                labels[key] = String(value)
            }
            rest = rest[rest.index(after: close)...]
        }
        let valueText = rest.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
        let value: Double
        switch valueText {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let parsed = Double(valueText) else { throw ParseError.badLine(line) }
            value = parsed
        }
        return Sample(name: name, labels: labels, value: value)
    }

    /// The value of the sample with exactly these labels.
    subscript(name: String, labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    func has(_ name: String, _ labels: [String: String]) -> Bool {
        self[name, labels] != nil
    }
}
