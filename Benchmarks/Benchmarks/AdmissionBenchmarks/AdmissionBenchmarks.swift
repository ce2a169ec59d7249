import Benchmark
import DNSGuardCore
import Foundation

/// decode → decide → encode, as the server calls it per request: a 2 KB Pod CREATE review as the API
/// server sends it, the same Pod carrying 1 MB of annotations, and the validating path.
let benchmarks: @Sendable () -> Void = {
    // Wall clock and allocations only: sampling CPU time or instruction counts reads /proc around
    // every iteration, which added 16 allocations and about 0.5 µs to each sample of a 2 KB review
    // (and the instruction counter is not available on virtual machines). Instruction counts come
    // from valgrind --tool=callgrind on a release build instead.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 100,
        maxDuration: .seconds(3),
        maxIterations: 200_000
    )

    let policy = AdmissionPolicy(configuration: .default, platform: .ec2)
    let review = Reviews.pod
    let large = Reviews.largePod

    Benchmark("review 2 KB Pod CREATE (mutate-pods)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try policy.review(review, webhook: .mutatePods(profile: "default")))
        }
    }

    Benchmark("review 2 KB Pod CREATE (validate-pods)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try policy.review(review, webhook: .validatePods))
        }
    }

    Benchmark(
        "review 1 MB Pod CREATE (mutate-pods)",
        configuration: .init(maxDuration: .seconds(3), maxIterations: 2_000)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try policy.review(large, webhook: .mutatePods(profile: "default")))
        }
    }

    // What the same subset costs through Foundation's JSONDecoder, for comparison with the scanner.
    Benchmark("reference: JSONDecoder of the same fields, 2 KB") { benchmark in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(ReferenceReview.self, from: review))
        }
    }

    Benchmark(
        "reference: JSONDecoder of the same fields, 1 MB",
        configuration: .init(maxDuration: .seconds(3), maxIterations: 2_000)
    ) { benchmark in
        let decoder = JSONDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(ReferenceReview.self, from: large))
        }
    }
}

enum Reviews {
    static let pod: Data = {
        guard let url = Bundle.module.url(forResource: "review-pod", withExtension: "json", subdirectory: "Reviews"),
              let data = try? Data(contentsOf: url) else {
            fatalError("Reviews/review-pod.json is missing from the benchmark bundle")
        }
        return data
    }()

    /// The 2 KB review with a 1 MB annotation: a Pod near etcd's object size limit.
    static let largePod: Data = {
        do {
            let review = try JSONValue(parsing: pod)
            let blob = JSONValue.string(String(repeating: "x", count: 1 << 20))
            let patched = try JSONPatch.apply(
                [PatchOperation(op: .add, path: "/request/object/metadata/annotations", value: .object([("blob", blob)]))],
                to: review)
            return patched.serialized()
        } catch {
            fatalError("cannot build the 1 MB review: \(error)")
        }
    }()
}
