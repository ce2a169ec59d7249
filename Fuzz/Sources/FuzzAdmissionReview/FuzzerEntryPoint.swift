import FuzzerDriver

/// The executable's `main`, renamed by SwiftPM; libFuzzer's driver runs the target.
@_cdecl("FuzzAdmissionReview_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, testing: { admissionReviewFuzzTarget($0, $1) })
}
